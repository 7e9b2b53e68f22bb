"""The NAT64/DNS64 lab: an IPv6-only client, a gateway and an IPv4-only web server, each in its own namespace.

    client (2001:db8:e2::2) --- (2001:db8:e2::1) gateway (192.0.2.1) --- (192.0.2.10) server
                                 TAYGA on nat64, Unbound DNS64           web.lab.example: HTTP + authoritative DNS

The gateway's agent runs in the root namespace on loopback (so the console can push to it and it can heartbeat
back); the reload and health commands it is given run TAYGA and Unbound inside the gateway namespace.
"""
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from tests.e2e.stack import Process, wait_until

CLIENT6, GATEWAY6 = "2001:db8:e2::2", "2001:db8:e2::1"
GATEWAY4, SERVER4 = "192.0.2.1", "192.0.2.10"
TAYGA4, DYNAMIC_POOL = "198.51.100.1", "198.51.100.0/24"
# Not under .test: Unbound serves test. as a default local zone, which a stub zone does not override.
ZONE, WEB_NAME = "lab.example", "web.lab.example"


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)}: exit {done.returncode}: {done.stdout}{done.stderr}"
    return done.stdout


class Lab:
    """Three namespaces joined by veth pairs, the server's daemons, and the gateway's service commands."""

    def __init__(self, directory: Path) -> None:
        suffix = secrets.token_hex(3)
        self.client, self.gateway, self.server = f"e2c-{suffix}", f"e2g-{suffix}", f"e2s-{suffix}"
        self.directory = directory
        self.unbound_main = directory / "unbound-main.conf"
        self.tayga_pid = directory / "tayga.pid"
        self.daemons: list[Process] = []

    @property
    def resolv_dir(self) -> Path:
        return Path("/etc/netns") / self.client

    def build(self) -> None:
        for namespace in (self.client, self.gateway, self.server):
            run("ip", "netns", "add", namespace)
            run("ip", "-n", namespace, "link", "set", "lo", "up")
        self._link(self.client, "gw0", CLIENT6 + "/64", self.gateway, "cl0", GATEWAY6 + "/64")
        self._link(self.gateway, "srv0", GATEWAY4 + "/24", self.server, "gw0", SERVER4 + "/24")
        run("ip", "-n", self.client, "-6", "route", "add", "default", "via", GATEWAY6)
        run("ip", "-n", self.server, "route", "add", "default", "via", GATEWAY4)
        run("ip", "netns", "exec", self.gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1")
        self.resolv_dir.mkdir(parents=True)
        (self.resolv_dir / "resolv.conf").write_text(f"nameserver {GATEWAY6}\noptions timeout:1 attempts:2\n")
        (self.directory / "spool" / "tayga").mkdir(parents=True)
        self._serve()
        self._write_unbound_main()

    def _link(self, left: str, left_name: str, left_address: str, right: str, right_name: str,
              right_address: str) -> None:
        # Made here and moved: a veth created with its peer in another namespace never gets carrier on this kernel.
        temporary = f"e2{secrets.token_hex(5)}"
        run("ip", "link", "add", f"{temporary}a", "type", "veth", "peer", "name", f"{temporary}b")
        run("ip", "link", "set", f"{temporary}a", "netns", left, "name", left_name)
        run("ip", "link", "set", f"{temporary}b", "netns", right, "name", right_name)
        for namespace, name, address in ((left, left_name, left_address), (right, right_name, right_address)):
            run("ip", "-n", namespace, "addr", "add", address, "dev", name, *(["nodad"] if ":" in address else []))
            run("ip", "-n", namespace, "link", "set", name, "up")

    def _serve(self) -> None:
        www = self.directory / "www"
        www.mkdir()
        (www / "index.html").write_text(f"IPv4-only server {self.server}\n")
        in_server = ["ip", "netns", "exec", self.server, sys.executable]
        for name, argv, ready in (
            ("lab DNS", [*in_server, "-m", "tests.e2e.lab_dns", SERVER4, ZONE, f"web={SERVER4}"], "serving"),
            ("web server", [*in_server, "-u", "-m", "http.server", "80", "--bind", SERVER4, "--directory", str(www)],
             "Serving HTTP"),
        ):
            daemon = Process(name, argv, self.directory / f"{name.replace(' ', '-')}.log")
            self.daemons.append(daemon)
            daemon.start(ready)

    def _write_unbound_main(self) -> None:
        managed = self.directory / "etc" / "unbound"
        managed.mkdir(parents=True)
        self.unbound_main.write_text(
            f'server:\n    directory: "{self.directory}"\n    chroot: ""\n    username: ""\n'
            f'    pidfile: "{self.directory}/unbound.pid"\n    use-syslog: no\n'
            f'    logfile: "{self.directory}/unbound.log"\n    verbosity: 1\ninclude: "{managed}/*.conf"\n'
            f'remote-control:\n    control-enable: yes\n    control-interface: "{self.directory}/unbound.sock"\n'
            "    control-use-cert: no\n"
        )

    def agent_services(self) -> dict[str, dict[str, str]]:
        """agent.toml [services] for production mode: files under the test's directory, daemons in the namespace."""
        etc, inside = self.directory / "etc", f"ip netns exec {self.gateway}"
        unbound_control = f"unbound-control -c {self.unbound_main}"
        tayga_log = self.directory / "tayga.log"
        return {
            "unbound": {
                "directory": str(etc / "unbound"),
                # Started by the first push, reloaded by the later ones.
                "reload": f"{unbound_control} reload >/dev/null 2>&1 || {inside} unbound -c {self.unbound_main}",
                "health": f"{inside} dig @{GATEWAY6} +time=1 +tries=1 +short localhost A | grep -qx 127.0.0.1",
                "teardown": f"{unbound_control} reload",
            },
            "tayga": {
                "directory": str(etc / "tayga"),
                # TAYGA keeps its dynamic map in /var/spool/tayga: each lab gives it its own, mounted privately.
                "reload": f"start-stop-daemon --stop --quiet --pidfile {self.tayga_pid} --retry 5;"
                          f" {inside} unshare -m sh -c 'mount --bind {self.directory}/spool /var/spool &&"
                          f" exec tayga -c \"$0\" -p {self.tayga_pid}' {{files}} </dev/null >>{tayga_log} 2>&1",
                "health": f'kill -0 "$(cat {self.tayga_pid})"',
                "teardown": f"start-stop-daemon --stop --quiet --oknodo --pidfile {self.tayga_pid} --retry 5",
            },
            "iproute2": {
                "directory": str(etc / "iproute2"),
                "reload": f'for f in {{files}}; do {inside} bash "$f" || exit 1; done',
                "health": "",
                "teardown": f'for f in {{files}}; do {inside} bash "$f" down || exit 1; done',
            },
        }

    def agent_stats(self) -> dict[str, str]:
        """agent.toml [stats]: commands run in the gateway namespace, Unbound's control and TAYGA's map here."""
        return {"run_in": f"ip netns exec {self.gateway}", "unbound_control": f"unbound-control -c {self.unbound_main}",
                "tayga_dynamic_map": str(self.directory / "spool" / "tayga" / "dynamic.map")}

    def in_client(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(["ip", "netns", "exec", self.client, *command], capture_output=True, text=True,
                              timeout=30)
        assert not check or done.returncode == 0, f"{command}: exit {done.returncode}: {done.stdout}{done.stderr}"
        return done

    def lookup(self, name: str = WEB_NAME) -> list[str]:
        """The client's AAAA answer for NAME from its resolver (the gateway's Unbound)."""
        return self.in_client("dig", "+short", "+time=1", "+tries=2", "AAAA", name).stdout.split()

    def fetch(self, name: str = WEB_NAME) -> str:
        """What the client gets from http://NAME/ (resolved through its resolv.conf)."""
        return self.in_client("curl", "-sS", "--max-time", "5", f"http://{name}/").stdout

    def wait_for_answer(self, prefix_start: str, timeout: float = 20) -> list[str]:
        return wait_until(lambda: [a for a in self.lookup() if a.startswith(prefix_start)], timeout,
                          f"AAAA of {WEB_NAME} under {prefix_start}")

    def destroy(self) -> None:
        for pid_file in (self.tayga_pid, self.directory / "unbound.pid"):
            if pid_file.exists():
                subprocess.run(["kill", pid_file.read_text().strip()], capture_output=True)
        for daemon in self.daemons:
            daemon.stop()
        for namespace in (self.client, self.gateway, self.server):
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True)
        shutil.rmtree(self.resolv_dir, ignore_errors=True)
