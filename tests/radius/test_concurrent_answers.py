"""Many Access-Requests at once while the console writes: every one answered and stored, on SQLite (the embedded
default: WAL, and FreeRADIUS waits for the console's lock) as on PostgreSQL; no "database is locked"."""
import re
import subprocess
import threading

import pytest

from opsconsole.radius.models import RadPostAuth
from opsconsole.registration.models import Device

from .test_mac_auth import BSSID, NOWEP, SECRETS, SERVING, plan, radius, register  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS, REQUESTS, IN_FLIGHT = 4, 150, 16


def console_writes(vlan, stop: threading.Event) -> None:
    """Registrations and removals in a loop, each its own transaction, as the helpdesk makes them."""
    from django.db import connection

    number = 0
    while not stop.is_set():
        device = register(f"00:00:5e:10:5f:{number % 256:02x}", vlan)
        device.delete()
        device.participant.delete()
        number += 1
    connection.close()


def test_concurrent_requests_are_all_answered_and_stored_while_the_console_writes(radius, plan, tmp_path):
    RadPostAuth.objects.all().delete()
    for number in range(10):
        register(f"00:00:5e:10:5e:{number:02x}", plan["vlan"])
    files = []
    for client in range(CLIENTS):
        # Half registered (accepted), half not (refused): both kinds are stored.
        requests = [f'User-Name = "00005E105{"E" if n % 2 else "D"}{n % 10:02X}"\n'
                    f'Called-Station-Id = "{BSSID}:{NOWEP}"\nMessage-Authenticator = 0x00\n' for n in range(REQUESTS)]
        files.append(tmp_path / f"requests-{client}.txt")
        files[-1].write_text("\n".join(requests))
    stop = threading.Event()
    writer = threading.Thread(target=console_writes, args=(plan["vlan"], stop))
    writer.start()
    try:
        processes = [subprocess.Popen(["radclient", "-q", "-s", "-p", str(IN_FLIGHT), "-r", "3", "-t", "10", "-f",
                                       str(file), f"127.0.0.1:{radius.port}", "auth", SECRETS[SERVING]],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for file in files]
        outputs = [process.communicate(timeout=300)[0] for process in processes]
    finally:
        stop.set()
        writer.join(timeout=60)

    counts = [{kind: int(re.search(rf"{kind}\s*:\s*(\d+)", output).group(1)) for kind in ("Accepted", "Rejected")}
              for output in outputs]
    locked = [line for line in radius.log if "database is locked" in line]
    assert all(count == {"Accepted": REQUESTS // 2, "Rejected": REQUESTS // 2} for count in counts), (
        counts, locked[:5])
    assert RadPostAuth.objects.count() == CLIENTS * REQUESTS
    assert not RadPostAuth.objects.exclude(reason__in=["", "MAC not registered"]).exists()
    assert not locked, locked[:5]
    assert Device.objects.count() == 10
