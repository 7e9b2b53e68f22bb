"""Staged, transactional install of a node's intent: render, check, swap in, reload, health-check, roll back."""

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from gateways.agentconfig import AgentConfig
from gateways.render import RenderedFile, render_intent
from gateways.render.check import check_rendered
from gateways.services import health_check, installed_path, run_service_command, service_settings

STATE_FILE = "state.json"
ServiceResults = dict[str, dict[str, Any]]


class StaleRevision(ValueError):
    """A push that would take the node back to (or sideways from) a revision it has moved past."""


@dataclass(frozen=True)
class RunningState:
    """What the node runs now; persisted so a restarted agent still knows it."""

    revision: int = 0
    content_hash: str = ""
    intent: dict[str, Any] | None = None
    files: tuple[RenderedFile, ...] = ()
    services: ServiceResults = field(default_factory=dict)


@dataclass(frozen=True)
class ApplyOutcome:
    status: str  # "applied" | "unchanged" | "failed"
    revision: int
    content_hash: str
    services: ServiceResults


def load_running_state(state_dir: Path) -> RunningState:
    path = state_dir / STATE_FILE
    if not path.exists():
        return RunningState()
    saved = json.loads(path.read_text())
    return RunningState(
        revision=saved["revision"],
        content_hash=saved["content_hash"],
        intent=saved["intent"],
        files=tuple(RenderedFile(**file) for file in saved["files"]),
        services=saved["services"],
    )


def save_running_state(state_dir: Path, state: RunningState) -> None:
    document = asdict(state)
    _write_atomically(state_dir / STATE_FILE, json.dumps(document, indent=1).encode(), 0o600)


def _write_atomically(path: Path, content: bytes, mode: int) -> None:
    """Write beside the target, fsync, then rename, so readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _check_in_staging(files: list[RenderedFile], config: AgentConfig) -> ServiceResults:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=config.state_dir, prefix="staging-") as staging:
        for file in files:
            _write_atomically(Path(staging) / file.path, file.content.encode(), file.mode)
        checks = check_rendered(files, Path(staging))
    results: ServiceResults = {}
    for service in sorted({file.service for file in files}):
        mine = [check for check in checks if check.service == service]
        # A sandbox without a daemon's checker still installs its files and says they are not checked;
        # a production node never runs a file its checker has not passed.
        failed = [check for check in mine if not check.ok and (check.checked or config.mode == "production")]
        shown = failed or mine
        message = "; ".join(f"{check.path}: {check.message}" for check in shown) or "no checker for this daemon"
        results[service] = {"ok": not failed, "stage": "check", "message": message}
        if not all(check.checked for check in mine):
            results[service]["checked"] = False
    return results


Snapshot = dict[Path, tuple[bytes, int] | None]


def _snapshot(paths: list[Path]) -> Snapshot:
    return {path: (path.read_bytes(), path.stat().st_mode & 0o7777) if path.exists() else None for path in paths}


def _restore(snapshot: Snapshot) -> None:
    for path, previous in snapshot.items():
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            _write_atomically(path, *previous)


def _tear_down(config: AgentConfig, gone: list[RenderedFile]) -> ServiceResults:
    """Run each service's teardown for its files that went away, last service first (reloads go first to last),
    on copies of those files; stops at the first failure."""
    results: ServiceResults = {}
    with tempfile.TemporaryDirectory(dir=config.state_dir, prefix="teardown-") as copies:
        for service in sorted({file.service for file in gone}, reverse=True):
            mine = [file for file in gone if file.service == service]
            paths = [Path(copies) / file.path for file in mine]
            for path, file in zip(paths, mine):
                _write_atomically(path, file.content.encode(), file.mode)
            ok, message = run_service_command(service_settings(config, service).teardown, paths)
            results[service] = {"ok": ok, "stage": "teardown", "message": message}
            if not ok:
                break
    return results


def _settle(config: AgentConfig, before: Sequence[RenderedFile], after: Sequence[RenderedFile]) -> ServiceResults:
    """With AFTER's files installed in place of BEFORE's: undo what BEFORE's vanished files set up, then reload
    and health-check every service with a new or changed file; stops at the first failure."""
    old = {installed_path(config, file): file for file in before}
    new = {installed_path(config, file): file for file in after}
    gone = [file for path, file in old.items() if path not in new]
    changed = {file.service for path, file in new.items() if old.get(path) != file}
    changed_files = {
        service: [path for path, file in new.items() if file.service == service] for service in sorted(changed)
    }
    results = _tear_down(config, gone)
    if not all(result["ok"] for result in results.values()):
        return results
    for stage, run in (("reload", run_service_command), ("health", health_check)):
        for service, paths in changed_files.items():
            ok, message = run(getattr(service_settings(config, service), stage), paths)
            results[service] = {"ok": ok, "stage": stage, "message": message}
            if not ok:
                return results
    return results


def _outcome(status: str, state: RunningState, services: ServiceResults) -> ApplyOutcome:
    return ApplyOutcome(status=status, revision=state.revision, content_hash=state.content_hash, services=services)


def apply_intent(
    config: AgentConfig, running: RunningState, revision: int, intent: dict[str, Any], intent_hash: str
) -> tuple[ApplyOutcome, RunningState]:
    """Install a validated intent; the returned state is what the node runs afterwards (and is saved)."""
    if revision < running.revision:
        raise StaleRevision(f"revision {revision} is older than running revision {running.revision}")
    if intent_hash == running.content_hash:
        if revision > running.revision:
            running = replace(running, revision=revision)
            save_running_state(config.state_dir, running)
        return _outcome("unchanged", running, running.services), running
    if revision == running.revision:
        raise StaleRevision(f"revision {revision} already runs with hash {running.content_hash}")

    files = render_intent(intent)
    results = _check_in_staging(files, config)
    if not all(result["ok"] for result in results.values()):
        return _outcome("failed", running, results), running

    stale = [installed_path(config, file) for file in running.files]
    targets = {installed_path(config, file): file for file in files}
    snapshot = _snapshot(sorted(set(stale) | set(targets)))
    try:
        _restore({path: None for path in stale if path not in targets})
        for path, file in targets.items():
            _write_atomically(path, file.content.encode(), file.mode)
    except OSError as error:
        _restore(snapshot)
        return _outcome("failed", running, {"agent": {"ok": False, "stage": "install", "message": str(error)}}), running

    if config.mode == "production":
        results |= _settle(config, running.files, files)
        if not all(result["ok"] for result in results.values()):
            _restore(snapshot)
            for service, settled in _settle(config, files, running.files).items():
                note = f"rolled back to revision {running.revision}"
                if not settled["ok"]:
                    note += f", but {settled['stage']} after the rollback failed: {settled['message']}"
                prior = results.get(service)
                results[service] = {"ok": True, "stage": settled["stage"], **(prior or {}),
                                    "message": f"{prior['message']} ({note})" if prior else note}
            return _outcome("failed", running, results), running

    now_running = RunningState(revision, intent_hash, intent, tuple(files), results)
    save_running_state(config.state_dir, now_running)
    return _outcome("applied", now_running, results), now_running
