#!/usr/bin/env python3
"""Installs the Debian packages whose programs the project drives, or names the command that does.

Standard library only: `make run` and `make test` run it before the virtualenv exists.
"""
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE_LIST = Path(__file__).resolve().parent.parent / "system-packages.txt"
# Daemons and their checkers are installed in sbin, which the PATH of a user who is not root often lacks.
SBIN = ("/usr/sbin", "/sbin")


def read_package_list(text: str) -> dict[str, list[str]]:
    """`package: program ...` lines, without comments and blank lines, as {package: [program, ...]}."""
    packages = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.partition("#")[0].strip()
        if not line:
            continue
        package, colon, programs = line.partition(":")
        if not colon or not package.strip() or not programs.split():
            raise ValueError(f"line {number}: expected 'package: program ...', not {line!r}")
        packages[package.strip()] = programs.split()
    return packages


def _installed(program: str, path: str) -> bool:
    # An absolute path names a file a package installs that is no program, such as a FreeRADIUS module.
    return Path(program).is_file() if program.startswith("/") else shutil.which(program, path=path) is not None


def missing_programs(packages: dict[str, list[str]], search_path: str) -> dict[str, list[str]]:
    """The packages some of whose programs are neither on SEARCH_PATH nor in sbin (or, given as an absolute path,
    absent), each with those programs."""
    path = os.pathsep.join([search_path, *SBIN])
    missing = {}
    for package, programs in packages.items():
        absent = [program for program in programs if not _installed(program, path)]
        if absent:
            missing[package] = absent
    return missing


def install_command(packages: list[str]) -> list[str]:
    return ["apt-get", "install", "-y", "--no-install-recommends", *packages]


def apt_get(apt: str, arguments: list[str]) -> bool:
    """Run apt-get quietly; on failure show what it said, which is then all that matters."""
    done = subprocess.run([apt, *arguments], capture_output=True, text=True,
                          env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if done.returncode != 0:
        print(f"{done.stdout}{done.stderr}apt-get {shlex.join(arguments)} failed (exit {done.returncode})",
              file=sys.stderr)
    return done.returncode == 0


def main() -> int:
    packages = read_package_list(PACKAGE_LIST.read_text())
    search_path = os.environ.get("PATH", os.defpath)
    missing = missing_programs(packages, search_path)
    if not missing:
        return 0
    apt = shutil.which("apt-get", path=search_path)
    if os.geteuid() != 0 or apt is None:
        programs = ", ".join(program for absent in missing.values() for program in absent)
        print(f"Missing programs: {programs}\nInstall them with:\n  sudo {shlex.join(install_command(list(missing)))}",
              file=sys.stderr)
        return 1
    print(f"Installing {len(missing)} Debian packages: {', '.join(missing)} ...", flush=True)
    if not (apt_get(apt, ["update", "-qq"]) and apt_get(apt, install_command(list(missing))[1:])):
        return 1
    still_missing = missing_programs(packages, search_path)
    if still_missing:
        programs = ", ".join(f"{program} ({package})" for package, absent in still_missing.items() for program in absent)
        print(f"Installed, but still missing: {programs}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
