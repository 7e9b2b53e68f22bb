"""A one-shot DHCPv4 client on scapy, run inside a client namespace: DISCOVER, and REQUEST unless the offer says
IPv6-only preferred; prints the outcome as JSON. Usage: dhcp4_client.py INTERFACE MAC [--ipv6-only-capable]."""
import json
import secrets
import sys

from scapy.config import conf
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.sendrecv import srp1

ROUTER, DOMAIN_SERVER, IPV6_ONLY_PREFERRED = 3, 6, 108


def options_of(packet) -> dict:
    return {name: value for name, *values in (o for o in packet[DHCP].options if isinstance(o, tuple)) for value in values[:1]}


def exchange(interface: str, mac: str, message: list, xid: int):
    frame = (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
             / BOOTP(chaddr=bytes.fromhex(mac.replace(":", "")), xid=xid, flags=0x8000) / DHCP(options=message + ["end"]))
    return srp1(frame, iface=interface, timeout=3, verbose=False)


def main(interface: str, mac: str, capable: bool) -> dict:
    conf.checkIPaddr = False  # the answer comes from the server's address, not the broadcast we sent to
    requested = [ROUTER, DOMAIN_SERVER] + ([IPV6_ONLY_PREFERRED] if capable else [])
    xid = secrets.randbits(32)
    offer = exchange(interface, mac, [("message-type", "discover"), ("param_req_list", requested)], xid)
    if offer is None:
        return {"offer": None}
    options = options_of(offer)
    outcome = {"offer": offer[BOOTP].yiaddr, "ipv6_only_preferred": options.get("ipv6-only-preferred")}
    if outcome["ipv6_only_preferred"] is not None and capable:
        return outcome | {"lease": None}  # RFC 8925 section 3.2: the client stops here and runs IPv6-only
    ack = exchange(interface, mac, [("message-type", "request"), ("requested_addr", offer[BOOTP].yiaddr),
                                    ("server_id", options["server_id"]), ("param_req_list", requested)], xid)
    acked = ack is not None and options_of(ack).get("message-type") == 5
    return outcome | {"lease": ack[BOOTP].yiaddr if acked else None}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], "--ipv6-only-capable" in sys.argv[3:])))
