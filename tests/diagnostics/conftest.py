"""A DNS tree on loopback: a root that delegates one zone per RFC 4074 misbehaviour to a misbehaving server, a
well-behaved zone to BIND, and the event's domain camp.test to BIND and to a lame server."""
from dataclasses import dataclass

import pytest

from .authority import AAAA_BEHAVIOURS, Bind, FakeAuthority, Zone, free_udp_and_tcp_port, lab_addresses

WEB4 = "192.0.2.80"
WEB6 = "2001:db8:80::80"


@dataclass
class DnsLab:
    roots: list[str]
    port: int
    lame_server: str
    good_server: str
    odd_server: str

    def settings(self, settings) -> None:
        settings.DIAGNOSTICS_ROOT_SERVERS = self.roots
        settings.DIAGNOSTICS_DNS_PORT = self.port
        settings.DIAGNOSTICS_TIMEOUT = 1.0


def misbehaving_zone(behaviour: str) -> str:
    return f"{behaviour}.test."


@pytest.fixture(scope="module")
def dns_lab():
    base = lab_addresses()
    root_ip, odd_ip, lame_ip = (base + str(i) for i in (1, 3, 4))
    bind_ip = "127.0.0.1"
    port = free_udp_and_tcp_port([root_ip, bind_ip, odd_ip, lame_ip])
    odd = [Zone(misbehaving_zone(b), {"www": [("A", WEB4)]}, aaaa=b) for b in AAAA_BEHAVIOURS if b != "normal"]
    good = [
        Zone("good.test.", {"dual": [("A", WEB4), ("AAAA", WEB6)], "v4only": [("A", WEB4)], "empty": [("TXT", "x")],
                            "ns": [("A", bind_ip)]}),
        Zone("camp.test.", {"www": [("A", WEB4)], "ns": [("A", bind_ip)]}),
    ]
    delegations = {z.name: [(f"ns.{z.name}", odd_ip)] for z in odd}
    delegations["good.test."] = [("ns.good.test.", bind_ip)]
    delegations["camp.test."] = [("ns.camp.test.", bind_ip), ("ns2.camp.test.", lame_ip)]
    root = Zone(".", delegations=delegations)
    servers = []
    try:
        servers.append(FakeAuthority(root_ip, port, [root]))
        servers.append(FakeAuthority(odd_ip, port, odd))
        servers.append(FakeAuthority(lame_ip, port, []))  # listed by the parent for camp.test, serves nothing
        servers.append(Bind(bind_ip, port, {zone.name: zone.zone_file() for zone in good}))
        yield DnsLab([root_ip], port, lame_ip, bind_ip, odd_ip)
    finally:
        for server in servers:
            server.stop()
