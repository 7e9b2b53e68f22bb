"""RADIUS MAC-authentication benchmark: FreeRADIUS on the console's database (rlm_sql) against its files module.

Run from the repository: .venv/bin/python bench/radius.py [--devices N --requests N --clients N --outstanding N
--registrations N --rounds N] [--sqlite] [--quick]. Everything is throwaway and removed at the end, also on Ctrl-C
or failure: a PostgreSQL database of its own on 127.0.0.1:5432 (production's database; --sqlite: a SQLite file in
a temporary directory instead), and two FreeRADIUS servers on free loopback ports, both started the way the tests
start theirs (tests/freeradius.py: the rendered radius role over Debian's layout). One reads the console's
database through rlm_sql as production does; the other is the same build and site with the same MAC normalisation,
but answers from the files module (mods-config/files/authorize listing the same MACs with the same SSID check and
the same decision), so no request touches the database: the limit, and the ratio is what the SQL path costs.
"""
import argparse
import contextlib
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from registration import REPOSITORY, device_mac, percentile, postgres_database

SECRET = "bench-ap-secret"
ESSID = "bench-nowep"
VID = 40
BSSID = "02-00-5E-10-00-01"
ACCEPT_WAIT_SECONDS = 10
# The notations access points send (normalised by the policy, never stored): plain, dashes upper case, colons.
NOTATIONS = (lambda digits: digits, lambda digits: "-".join(re.findall("..", digits)).upper(),
             lambda digits: ":".join(re.findall("..", digits)))


def load_devices(count: int, spare: int):
    """COUNT participants with one registered device each on the MAC SSID's VLAN, SPARE participants without; the
    NAS serving that SSID. Returns (NAS, VLAN, the spare participants' pks)."""
    from django.db import connection
    from django.utils import timezone

    from opsconsole.plan.choices import Authentication
    from opsconsole.plan.models import Ssid, Vlan
    from opsconsole.radius.models import Nas
    from opsconsole.registration.mac import hex_digits
    from opsconsole.registration.models import Device, Participant

    vlan = Vlan.objects.create(vid=VID, name="nowep")
    ssid = Ssid.objects.create(essid=ESSID, bands=["5GHz"], authentication=Authentication.MAC, vlan=vlan)
    nas = Nas(name="bench ap", address="127.0.0.1")
    nas.set_secret(SECRET)
    nas.save()
    nas.ssids.set([ssid])
    print(f"loading {count} participants with a device each", flush=True)
    ends = timezone.now() + timedelta(days=5)
    people = [Participant(name=f"Bench Participant {n}", email=f"p{n}@example.org", active_until=ends)
              for n in range(count + spare)]
    for person in people:  # bulk_create skips save(), which fills the search column
        person.search_text = person.searchable_text()
    Participant.objects.bulk_create(people, batch_size=2000)
    pks = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
    devices = [Device(participant_id=pks[n], mac=device_mac(n), mac_digits=hex_digits(device_mac(n)), os="other")
               for n in range(count)]
    Device.objects.bulk_create(devices, batch_size=2000)
    Device.vlans.through.objects.bulk_create(
        [Device.vlans.through(device_id=pk, vlan_id=vlan.pk) for pk in Device.objects.values_list("pk", flat=True)],
        batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum does a minute after such a load; the planner needs the figures
    return nas, vlan, pks[count:]


def files_baseline(count: int):
    """An ADJUST for running_freeradius: the same server answering COUNT devices from its files module, no SQL."""
    essid_hex = ESSID.encode().hex()
    entries = "".join(
        f'{device_mac(n)}\tTmp-String-1 == "{essid_hex}", Tmp-String-2 := "vlan {VID}"\n\n'
        for n in range(count))

    def adjust(raddb: Path) -> None:
        policy = raddb / "policy.d" / "opsconsole"
        text = policy.read_text()
        # Keep the policy's MAC and SSID normalisation and everything after the decision; the decision query
        # becomes one files lookup keyed on the normalised MAC giving the same decision. No answer is stored: the
        # sql module stays loaded, but no request reaches the database.
        start = text.index("\t\tupdate control {\n\t\t\t&Tmp-String-2 := ")
        end = text.index("\t\t}\n", start) + len("\t\t}\n")
        text = text[:start] + "\t\tfiles\n" + text[end:]
        for config in (policy, raddb / "sites-enabled" / "default"):
            lines = (text if config == policy else config.read_text()).splitlines(True)
            config.write_text("".join(line for line in lines if line.strip() != "sql"))
        (raddb / "mods-enabled" / "files").unlink()
        (raddb / "mods-enabled" / "files").write_text(
            'files {\n\tmoddir = ${modconfdir}/${.:instance}\n\tkey = "%{control:Tmp-String-0}"\n'
            "\tfilename = ${moddir}/authorize\n}\n")
        authorize = raddb / "mods-config" / "files" / "authorize"
        authorize.unlink()
        authorize.write_text(entries)

    return adjust


def same_answers(sql_port: int, files_port: int) -> None:
    """Both servers accept a registered MAC with the same VLAN attributes and refuse it on another SSID."""
    from tests.freeradius import radclient

    asked = {"User-Name": device_mac(0).replace(":", "").upper(), "Called-Station-Id": f"{BSSID}:{ESSID}"}
    accepted = [radclient("127.0.0.1", port, SECRET, asked) for port in (sql_port, files_port)]
    first = accepted[0]
    assert first.code == "Access-Accept" and first.attributes["Tunnel-Private-Group-Id"] == str(VID), accepted
    assert first == accepted[1], accepted
    elsewhere = {**asked, "Called-Station-Id": f"{BSSID}:{ESSID}-other"}
    refused = {radclient("127.0.0.1", port, SECRET, elsewhere).code for port in (sql_port, files_port)}
    assert refused == {"Access-Reject"}, refused


def request_files(directory: Path, count: int, requests: int, clients: int) -> list[Path]:
    """One radclient input per client: REQUESTS Access-Requests in all, for the COUNT devices in turn, in every
    notation, as an access point sends them (Message-Authenticator included)."""
    files = []
    for client in range(clients):
        lines = []
        for index in range(client, requests, clients):
            digits = device_mac(index % count).replace(":", "")
            name = NOTATIONS[index % len(NOTATIONS)](digits)
            lines.append(f'User-Name = "{name}"\nCalled-Station-Id = "{BSSID}:{ESSID}"\n'
                         f'Calling-Station-Id = "{name}"\nMessage-Authenticator = 0x00\n')
        files.append(directory / f"requests-{client}.txt")
        files[-1].write_text("\n".join(lines))
    return files


def blast(port: int, files: list[Path], outstanding: int) -> tuple[float, float, int]:
    """Every file through its own radclient at once, OUTSTANDING requests in flight each; returns (requests per
    second, the radclients' CPU seconds per wall second, how many were not accepted)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    command = ["radclient", "-q", "-s", "-p", str(outstanding), "-r", "3", "-t", "5"]
    processes = [subprocess.Popen([*command, "-f", str(file), f"127.0.0.1:{port}", "auth", SECRET],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for file in files]
    outputs = [process.communicate(timeout=600)[0] for process in processes]
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    accepted = sum(int(re.search(r"Accepted\s*:\s*(\d+)", output).group(1)) for output in outputs)
    total = sum(file.read_text().count("User-Name") for file in files)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return total / wall, cpu / wall, total - accepted


def accept_latencies(port: int, participants: list[int], vlan) -> list[float]:
    """Register one device at a time through the ORM and ask FreeRADIUS until it accepts; seconds from each commit
    to its first Access-Accept (a radclient run per question, so each figure includes starting one)."""
    from django.db import transaction

    from opsconsole.registration.models import Device
    from tests.freeradius import radclient

    latencies = []
    for number, participant in enumerate(participants):
        mac = f"00:1b:64:{number >> 16 & 0xFF:02x}:{number >> 8 & 0xFF:02x}:{number & 0xFF:02x}"
        with transaction.atomic():
            device = Device.objects.create(participant_id=participant, mac=mac, label="laptop")
            device.vlans.set([vlan])
        committed = time.monotonic()
        attributes = {"User-Name": mac.replace(":", ""), "Called-Station-Id": f"{BSSID}:{ESSID}",
                      "Calling-Station-Id": mac}
        while radclient("127.0.0.1", port, SECRET, attributes).code != "Access-Accept":
            if time.monotonic() - committed > ACCEPT_WAIT_SECONDS:
                raise RuntimeError(f"{mac} not accepted within {ACCEPT_WAIT_SECONDS} s of its commit")
        latencies.append(time.monotonic() - committed)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20_000, help="Access-Requests per measurement")
    parser.add_argument("--clients", type=int, default=4, help="radclient processes at once")
    parser.add_argument("--outstanding", type=int, default=32, help="requests in flight per radclient (its -p)")
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="alternating measurements of each server; best kept")
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite database instead of PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="1,000 devices, 2,000 requests, 20 registrations, 1 round")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.devices, arguments.requests, arguments.registrations, arguments.rounds = 1_000, 2_000, 20, 1
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill as on Ctrl-C
    with contextlib.ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="radbench-"))
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        sql, files, latencies = run(arguments, directory, cleanup)
        print("stopping and cleaning up", flush=True)
    print(f"mac-auth sql {sql:.0f} req/s, files {files:.0f} req/s, ratio {sql / files:.2f}; "
          f"registration->accept p50 {percentile(latencies, 50) * 1000:.0f} ms "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms")


def run(arguments: argparse.Namespace, directory: Path, cleanup: contextlib.ExitStack) -> tuple:
    """Set everything up under CLEANUP, measure; returns (SQL rate, files rate, commit-to-Accept latencies)."""
    if arguments.sqlite:
        database = f"sqlite:///{directory / 'console.sqlite3'}"
    else:
        database = cleanup.enter_context(postgres_database("radbench"))
    os.environ.update(DJANGO_SETTINGS_MODULE="opsconsole.settings", OPSCONSOLE_VAR_DIR=str(directory),
                      DATABASE_URL=database, SECRET_KEY=secrets.token_urlsafe(40), LOG_LEVEL="WARNING")
    sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from tests.freeradius import running_freeradius

    cleanup.callback(connections.close_all)  # before the database is dropped
    print(f"migrating a fresh {'SQLite' if arguments.sqlite else 'PostgreSQL'} database", flush=True)
    call_command("migrate", verbosity=0)
    nas, vlan, spare = load_devices(arguments.devices, arguments.registrations)
    clients = [{"id": nas.pk, "name": nas.name, "address": nas.address}]
    sql_server = cleanup.enter_context(running_freeradius(clients, {nas.pk: SECRET}))
    files_server = cleanup.enter_context(running_freeradius(clients, {nas.pk: SECRET},
                                                            adjust=files_baseline(arguments.devices)))
    same_answers(sql_server.port, files_server.port)
    inputs = request_files(directory, arguments.devices, arguments.requests, arguments.clients)
    print(f"{arguments.requests} Access-Requests per measurement from {arguments.clients} radclients, "
          f"{arguments.outstanding} in flight each", flush=True)
    for server in (sql_server, files_server):
        blast(server.port, inputs, arguments.outstanding)  # the sql pool opens its connections, caches fill
    best = {"sql": 0.0, "files": 0.0}
    for round_number in range(arguments.rounds):
        for name, server in (("sql", sql_server), ("files", files_server)):
            rate, client_cpu, unanswered = blast(server.port, inputs, arguments.outstanding)
            if unanswered:
                raise RuntimeError(f"{name}: {unanswered} requests not accepted\n" + "\n".join(server.log[-20:]))
            print(f"round {round_number + 1}: {name} {rate:.0f} req/s (radclients used {client_cpu:.2f} CPU s per s)",
                  flush=True)
            best[name] = max(best[name], rate)
    print(f"{arguments.registrations} registrations, one at a time, each asked for until accepted", flush=True)
    latencies = accept_latencies(sql_server.port, spare, vlan)
    return best["sql"], best["files"], latencies


if __name__ == "__main__":
    main()
