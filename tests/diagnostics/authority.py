"""DNS servers on loopback for the diagnostics tests: a small authoritative server that misbehaves on demand
(written with dnspython, UDP and TCP), and BIND for the well-behaved zones."""
from __future__ import annotations

import secrets
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset

TTL = 30
# What a misbehaving zone does with AAAA questions (RFC 4074 section 4).
AAAA_BEHAVIOURS = ("normal", "nxdomain", "servfail", "refused", "formerr", "notimp", "wrong-type", "wrong-section",
                   "malformed", "drop", "not-authoritative")


def lab_addresses() -> str:
    """A /24 of loopback addresses (127.x.y.0) no other test is likely to use."""
    return f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 1}."


@dataclass
class Zone:
    name: str
    records: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # owner -> [(type, data)]
    delegations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # child -> [(ns name, address)]
    aaaa: str = "normal"

    @property
    def origin(self) -> dns.name.Name:
        return dns.name.from_text(self.name)

    def soa(self) -> dns.rrset.RRset:
        return dns.rrset.from_text(self.origin, TTL, "IN", "SOA", f"ns.{self.name} hostmaster.{self.name} 1 60 60 60 {TTL}")

    def zone_file(self) -> str:
        lines = [f"$ORIGIN {self.name}", f"$TTL {TTL}", self.soa().to_text(), "@ IN NS ns"]
        lines += [f"{owner} IN {kind} {data}" for owner, rows in self.records.items() for kind, data in rows]
        return "\n".join(lines) + "\n"


def _answer(zones: list[Zone], query: dns.message.Message) -> dns.message.Message | bytes | None:
    question = query.question[0]
    qname, qtype = question.name, dns.rdatatype.to_text(question.rdtype)
    reply = dns.message.make_response(query)
    served = [z for z in zones if qname.is_subdomain(z.origin)]
    if not served:
        reply.set_rcode(dns.rcode.REFUSED)
        return reply
    zone = max(served, key=lambda z: len(z.origin))
    for child, servers in zone.delegations.items():
        if qname.is_subdomain(dns.name.from_text(child)):
            for ns, address in servers:
                reply.authority.append(dns.rrset.from_text(child, TTL, "IN", "NS", ns))
                reply.additional.append(dns.rrset.from_text(ns, TTL, "IN", "A", address))
            return reply
    owner = qname.relativize(zone.origin).to_text() if qname != zone.origin else "@"
    rows = zone.records.get(owner, [])
    reply.flags |= dns.flags.AA
    if qtype == "AAAA" and zone.aaaa == "not-authoritative":
        reply.flags &= ~dns.flags.AA  # answered as if from a cache
    elif qtype == "AAAA" and zone.aaaa != "normal":
        return _misbehave(zone, reply, qname, rows)
    if qname == zone.origin and qtype == "SOA":
        reply.answer.append(zone.soa())
    elif qname == zone.origin and qtype == "NS":
        reply.answer.append(dns.rrset.from_text(qname, TTL, "IN", "NS", f"ns.{zone.name}"))
    elif any(kind == qtype for kind, _ in rows):
        reply.answer.append(dns.rrset.from_text(qname, TTL, "IN", qtype, *[d for k, d in rows if k == qtype]))
    else:
        if not rows and qname != zone.origin:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        reply.authority.append(zone.soa())
    return reply


def _misbehave(zone: Zone, reply: dns.message.Message, qname, rows) -> dns.message.Message | bytes | None:
    behaviour = zone.aaaa
    if behaviour == "drop":
        return None
    if behaviour == "malformed":
        return reply.to_wire()[:-3] + b"\xff"  # a header that promises a question the packet cuts short
    if behaviour in ("nxdomain", "servfail", "refused", "formerr", "notimp"):
        reply.set_rcode(dns.rcode.from_text(behaviour))
        return reply
    if behaviour == "wrong-type":
        reply.answer.append(dns.rrset.from_text(qname, TTL, "IN", "A", *[d for k, d in rows if k == "A"]))
        return reply
    assert behaviour == "wrong-section", behaviour
    reply.additional.append(dns.rrset.from_text(qname, TTL, "IN", "AAAA", "2001:db8::bad"))
    return reply


class FakeAuthority:
    """Serves ZONES on ADDRESS:PORT over UDP and TCP until stopped."""

    def __init__(self, address: str, port: int, zones: list[Zone]) -> None:
        zones_ = zones

        def respond(packet: bytes) -> bytes | None:
            try:
                query = dns.message.from_wire(packet)
            except Exception:
                return None
            reply = _answer(zones_, query)
            return reply.to_wire() if isinstance(reply, dns.message.Message) else reply

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                packet, sock = self.request
                wire = respond(packet)
                if wire is not None:
                    sock.sendto(wire, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                stream = self.request.makefile("rb")
                length = stream.read(2)
                packet = stream.read(int.from_bytes(length, "big")) if len(length) == 2 else b""
                wire = respond(packet)
                if wire is not None:
                    self.request.sendall(len(wire).to_bytes(2, "big") + wire)

        socketserver.ThreadingUDPServer.allow_reuse_address = True
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.servers = [socketserver.ThreadingUDPServer((address, port), Udp),
                        socketserver.ThreadingTCPServer((address, port), Tcp)]
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


class Bind:
    """BIND's named serving ZONES authoritatively on ADDRESS:PORT, in a temporary directory.

    named listens only on addresses an interface holds: on loopback that is 127.0.0.1 alone."""

    def __init__(self, address: str, port: int, zones: dict[str, str]) -> None:
        """ZONES: each zone's name (with the trailing dot) and the text of its file."""
        self.directory = tempfile.TemporaryDirectory(prefix="diag-named-")
        root = Path(self.directory.name)
        for name, text in zones.items():
            (root / f"{name}zone").write_text(text)
        (root / "named.conf").write_text(
            "options {\n"
            f'  directory "{root}";\n  pid-file "{root}/named.pid";\n  session-keyfile "{root}/session.key";\n'
            f"  listen-on port {port} {{ {address}; }};\n  listen-on-v6 {{ none; }};\n"
            "  recursion no;\n  dnssec-validation no;\n};\ncontrols { };\n"
            + "".join(f'zone "{name}" {{ type primary; file "{root}/{name}zone"; }};\n' for name in zones))
        self.process = subprocess.Popen(["named", "-g", "-n", "1", "-c", str(root / "named.conf")],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.wait_ready(address, port, next(iter(zones)))

    def wait_ready(self, address: str, port: int, zone: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        query = dns.message.make_query(zone, "SOA")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"named exited: {self.process.stdout.read()}")
            try:
                dns.query.udp(query, address, port=port, timeout=1)
                return
            except (dns.exception.Timeout, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"named did not answer on {address}:{port} within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.directory.cleanup()


def free_udp_and_tcp_port(addresses: list[str]) -> int:
    """A port free for UDP and TCP on every address (all servers of a lab share the port, as referrals assume 53)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((addresses[0], 0))
            port = probe.getsockname()[1]
        try:
            for address in addresses:
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    with socket.socket(socket.AF_INET, kind) as check:
                        check.bind((address, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")
