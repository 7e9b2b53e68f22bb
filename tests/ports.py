"""A free loopback TCP port for a server a test starts (the system may hand it out again: bind it soon)."""
import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
