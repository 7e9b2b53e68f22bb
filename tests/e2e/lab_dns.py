"""A tiny authoritative DNS server for the lab zone: `python -m tests.e2e.lab_dns ADDRESS ZONE NAME=IPV4...`."""
import socket
import sys

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

TTL = 5


def answer(query: dns.message.Message, zone: dns.name.Name, hosts: dict[dns.name.Name, str]) -> dns.message.Message:
    """A records for the hosts, an SOA at the apex (and as the negative answer), NXDOMAIN for the rest."""
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.AA
    question = query.question[0]
    soa = dns.rrset.from_text(zone, TTL, "IN", "SOA", f"ns.{zone} hostmaster.{zone} 1 60 60 60 {TTL}")
    if question.name in hosts and question.rdtype == dns.rdatatype.A:
        reply.answer.append(dns.rrset.from_text(question.name, TTL, "IN", "A", hosts[question.name]))
    elif question.name == zone and question.rdtype == dns.rdatatype.SOA:
        reply.answer.append(soa)
    else:
        if question.name not in hosts and question.name != zone:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        reply.authority.append(soa)
    return reply


def main(address: str, zone_text: str, *records: str) -> None:
    zone = dns.name.from_text(zone_text)
    hosts = {dns.name.from_text(name, zone): ipv4 for name, ipv4 in (r.split("=", 1) for r in records)}
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind((address, 53))
        print(f"serving {zone} on {address}", flush=True)
        while True:
            packet, peer = server.recvfrom(4096)
            try:
                query = dns.message.from_wire(packet)
            except dns.exception.DNSException:
                continue
            server.sendto(answer(query, zone, hosts).to_wire(), peer)


if __name__ == "__main__":
    main(*sys.argv[1:])
