"""Starts the console's long-running processes together and stops every one of them on Ctrl-C."""
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]


def console_processes(python: str, host: str, port: int, var_dir: str) -> list[ProcessSpec]:
    """The web, worker, beat, RADIUS relay, SNMP poller and alert sender processes; docker-compose.yml runs the very same commands.

    Request logs go to a file and Celery logs warnings only, so the terminal shows what needs a person.
    """
    return [
        ProcessSpec("web", [python, "-m", "daphne", "-b", host, "-p", str(port), "--access-log",
                            f"{var_dir}/access.log", "opsconsole.asgi:application"]),
        ProcessSpec("worker", [python, "-m", "celery", "-A", "opsconsole", "worker", "-l", "warning", "-c", "2"]),
        ProcessSpec("beat", [python, "-m", "celery", "-A", "opsconsole", "beat", "-l", "warning",
                             "-s", f"{var_dir}/celerybeat-schedule"]),
        ProcessSpec("radius-relay", [python, "manage.py", "relay_radius"]),
        ProcessSpec("snmp-poller", [python, "manage.py", "snmp_poller"]),
        ProcessSpec("alerts", [python, "manage.py", "send_alerts"]),
    ]


def terminate(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """SIGTERM, and SIGKILL if it has not ended within the grace period; returns once it is gone."""
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ProcessGroup:
    def __init__(self, specs: list[ProcessSpec], env: dict[str, str] | None = None):
        self.specs = specs
        self.env = env or dict(os.environ)
        self.running: dict[str, subprocess.Popen] = {}

    def start(self) -> None:
        for spec in self.specs:
            # Each child gets its own session so one Ctrl-C is handled here, once, in order.
            self.running[spec.name] = subprocess.Popen(spec.argv, env=self.env, start_new_session=True)

    def exited(self) -> str | None:
        """The name of a process that has ended, if any has."""
        return next((name for name, process in self.running.items() if process.poll() is not None), None)

    def wait_until_one_exits(self, until=lambda: False) -> str | None:
        """Wait until a process ends (its name) or until `until()` is true (None)."""
        while (ended := self.exited()) is None:
            if until():
                return None
            time.sleep(0.5)
        return ended

    def stop(self, grace_seconds: float = 10) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def run_until_interrupted(group: ProcessGroup, announce=lambda: None, ready=lambda: True,
                          settle_seconds: float = 4) -> int:
    """Run the group until Ctrl-C (or SIGTERM/SIGHUP) or until one process dies; `announce` runs once all started
    and `ready()` says the console answers, so the URL it prints works when a person clicks it."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Installed explicitly: a shell starting us in the background sets SIGINT to ignored, which Python inherits.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    group.start()
    try:
        time.sleep(settle_seconds)  # let the start-up banners pass, so the announcement is the last thing on screen
        ended = group.wait_until_one_exits(until=ready)
        if ended is None:
            announce()
            ended = group.wait_until_one_exits()
        print(f"{ended} stopped unexpectedly (exit {group.running[ended].returncode}); stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping every process started by make run ...", file=sys.stderr)
        return 0
    finally:
        group.stop()


def run_forwarding_signals(argv: list[str], env: dict[str, str]) -> int:
    """Run ARGV to its end, passing it Ctrl-C, SIGTERM and SIGHUP once each, as `run_until_interrupted` expects.

    It runs in its own session, so a Ctrl-C in the terminal reaches it only through this process: twice would
    interrupt its own clean-up.
    """
    child: subprocess.Popen | None = None
    received: list[int] = []

    def forward(signum, frame):
        received.append(signum)
        if child is not None:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    child = subprocess.Popen(argv, env=env, start_new_session=True)
    if received:  # a signal that came before the child existed
        child.send_signal(received[0])
    returncode = child.wait()
    return returncode if returncode >= 0 else 128 - returncode
