"""Generic network-namespace helpers for end-to-end tests: uniquely named namespaces and veth pairs, always removed."""
import contextlib
import ctypes
import secrets
import subprocess
import time
from collections.abc import Iterator

CLONE_NEWNET = 0x40000000  # <sched.h>; Python 3.11 has no os.setns


def ip(*arguments: str) -> str:
    done = subprocess.run(["ip", *arguments], capture_output=True, text=True)
    assert done.returncode == 0, f"ip {' '.join(arguments)}: {done.stdout}{done.stderr}"
    return done.stdout


@contextlib.contextmanager
def namespaces(*roles: str) -> Iterator[list[str]]:
    """One fresh namespace per role, named ROLE-<random> with loopback up; deleted on the way out, even after a failure."""
    suffix = secrets.token_hex(3)
    names = [f"{role}-{suffix}" for role in roles]
    created: list[str] = []
    try:
        for name in names:
            ip("netns", "add", name)
            created.append(name)
            ip("-n", name, "link", "set", "lo", "up")
        yield names
    finally:
        for name in created:
            subprocess.run(["ip", "netns", "delete", name], capture_output=True)


def veth(left: str, left_name: str, right: str, right_name: str) -> None:
    """A veth pair from namespace LEFT to namespace RIGHT, both ends up."""
    ip("-n", left, "link", "add", left_name, "type", "veth", "peer", "name", right_name, "netns", right)
    ip("-n", left, "link", "set", left_name, "up")
    ip("-n", right, "link", "set", right_name, "up")


def addresses_settled(namespace: str, timeout: float = 15) -> None:
    """Wait until NAMESPACE has its link-local addresses and none is still tentative. A program that watches
    addresses over netlink, as Chromium does, takes a link-local address arriving or finishing duplicate address
    detection for a network change and aborts the page it was loading (net::ERR_NETWORK_CHANGED). The kernel adds
    a link-local address a moment after the link comes up, so "nothing tentative" alone can be true too early."""
    deadline = time.monotonic() + timeout
    while (not ip("-n", namespace, "-6", "address", "show", "scope", "link").strip()
           or ip("-n", namespace, "-6", "address", "show", "tentative").strip()):
        assert time.monotonic() < deadline, f"link-local addresses in {namespace} not settled after {timeout} s"
        time.sleep(0.1)


def in_namespace(namespace: str, *command: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", namespace, *command], capture_output=True, text=True, timeout=timeout)


@contextlib.contextmanager
def entered(namespace: str) -> Iterator[None]:
    """This thread inside NAMESPACE's network stack, back home afterwards: the sockets it opens meanwhile (a test's
    HTTP client, say) and the processes it starts are in that namespace, while the rest of the test run is not."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/proc/thread-self/ns/net") as home, open(f"/run/netns/{namespace}") as there:
        if libc.setns(there.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"cannot enter network namespace {namespace}")
        try:
            yield
        finally:
            libc.setns(home.fileno(), CLONE_NEWNET)
