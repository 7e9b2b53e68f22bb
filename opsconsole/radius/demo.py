"""`make run`'s FreeRADIUS: the demo plan's MAC-authentication SSID answered on loopback from the console's database.

No demo node: FreeRADIUS runs as one of run_console's processes on the very files a RADIUS node's agent would lay
out (gateways.local_radius), under var/radius/, with a demo access point at 127.0.0.1 and a demo participant's
device registered for that SSID, so that one radclient line shows an Access-Accept with the plan's VLAN.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from gateways.intent import validate_intent
from gateways.local_radius import local_paths, prepare
from opsconsole.core.processes import ProcessSpec
from opsconsole.core.services import free_loopback_port
from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid
from opsconsole.registration.models import Device, Participant

from .intents import radius_role, role_secrets
from .models import Nas, RadiusService

DEMO_NAS = "demo-ap"
DEMO_NAS_SECRET = "demo-radius-secret"  # a demo value, printed like the demo logins
DEMO_MAC = "00:00:5e:00:53:01"  # RFC 7042's documentation range
DEMO_BSSID = "02-00-5E-00-53-00"


@dataclass(frozen=True)
class DemoRadius:
    process: ProcessSpec
    try_line: str


def ensure_demo_mac_auth(participant_login: str = "participant") -> Ssid | None:
    """The demo access point serving the plan's first MAC-authentication SSID, and the demo participant's device
    registered for it; idempotent. None when the plan has no such SSID."""
    ssid = Ssid.objects.filter(authentication=Authentication.MAC).select_related("vlan").order_by("pk").first()
    if ssid is None:
        return None
    nas = Nas.objects.filter(name=DEMO_NAS).first()
    if nas is None:
        nas = Nas(name=DEMO_NAS, address="127.0.0.1")
        nas.set_secret(DEMO_NAS_SECRET)
        nas.save()
    nas.ssids.add(ssid)
    device = Device.objects.filter(mac=DEMO_MAC).first()
    if device is None:
        device = Device(participant=Participant.objects.get(user__username=participant_login), mac=DEMO_MAC,
                        label="demo phone")
        device.full_clean()
        device.save()
    device.vlans.add(ssid.vlan)
    return ssid


def try_line(port: int, ssid: Ssid) -> str:
    """One MAC-authentication request as an access point sends it (the client requires a Message-Authenticator)."""
    digits = DEMO_MAC.replace(":", "")
    request = (f"User-Name={digits}, User-Password={digits}, Called-Station-Id={DEMO_BSSID}:{ssid.essid}, "
               f"Calling-Station-Id={DEMO_MAC.upper().replace(':', '-')}, Message-Authenticator=0x00")
    return f"radclient -x 127.0.0.1:{port} auth {DEMO_NAS_SECRET} <<< {shlex.quote(request)}"


def demo_radius(directory: Path) -> DemoRadius | None:
    """FreeRADIUS for `make run` on free loopback ports, or None when the plan has no MAC-authentication SSID.
    Raises OSError when Debian's configuration cannot be read (FreeRADIUS's files are for root and freerad)."""
    ssid = ensure_demo_mac_auth()
    if ssid is None:
        return None
    port, inner_port = free_loopback_port(), free_loopback_port()
    while inner_port == port:
        inner_port = free_loopback_port()
    role = radius_role(RadiusService(listen=["127.0.0.1"], auth_port=port))
    intent = validate_intent({"schema": 1, "node": "demo-radius", "description": "make run", "roles": {"radius": {
        **role, "inner_tunnel_port": inner_port, **local_paths(directory)}}})
    config_dir = prepare(intent, role_secrets())
    return DemoRadius(ProcessSpec("freeradius", ["freeradius", "-f", "-d", str(config_dir)]), try_line(port, ssid))
