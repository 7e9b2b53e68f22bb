"""tools/system_packages.py, the step before `make run` and `make test`: it installs the Debian packages whose programs
are missing when it runs as root with apt, and otherwise stops at once with the missing programs and the command."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools.system_packages import PACKAGE_LIST, install_command, missing_programs, read_package_list

REPOSITORY = Path(__file__).resolve().parents[2]
SCRIPT = REPOSITORY / "tools" / "system_packages.py"
PACKAGES = read_package_list(PACKAGE_LIST.read_text())


def test_the_list_maps_each_package_to_the_programs_the_project_needs_from_it():
    assert PACKAGES["kea-dhcp4-server"] == ["kea-dhcp4"]
    assert PACKAGES["bind9-utils"][0] == "named-checkconf"
    assert PACKAGES["chromium"] == ["chromium"]
    assert PACKAGES["redis-server"] == ["redis-server"]


def test_a_line_without_programs_is_refused_with_its_number():
    assert read_package_list("# comment\n\nsocat: socat  # the Kea control socket\n") == {"socat": ["socat"]}
    with pytest.raises(ValueError, match="line 2: "):
        read_package_list("socat: socat\nradvd\n")


def test_missing_programs_are_looked_up_on_the_path_and_in_sbin(tmp_path):
    (tmp_path / "here").write_text("#!/bin/sh\n")
    (tmp_path / "here").chmod(0o755)
    packages = {"present": ["here"], "sbin-only": ["kea-dhcp4"], "absent": ["here", "opsconsole-no-such-program"]}
    assert missing_programs(packages, str(tmp_path)) == {"absent": ["opsconsole-no-such-program"]}


def test_an_absolute_path_is_a_file_the_package_installs(tmp_path):
    (tmp_path / "rlm_example.so").write_text("")
    packages = {"present": [str(tmp_path / "rlm_example.so")], "absent": [str(tmp_path / "rlm_missing.so")]}
    assert missing_programs(packages, "/nonexistent") == {"absent": [str(tmp_path / "rlm_missing.so")]}


def test_the_install_command_installs_nothing_recommended():
    assert install_command(["tayga", "radvd"]) == ["apt-get", "install", "-y", "--no-install-recommends", "tayga", "radvd"]


def run_script(path: str, script: Path = SCRIPT, *, user: list[str] = (), python: str = sys.executable):
    return subprocess.run([*user, python, str(script)], env={"PATH": path}, capture_output=True, text=True, timeout=60)


@pytest.fixture
def bin_dir():
    """A directory every user can read, to be the whole PATH: the programs in /usr/bin are missing from it."""
    with tempfile.TemporaryDirectory(prefix="system-packages-") as directory:
        os.chmod(directory, 0o755)
        yield Path(directory)


def fake_apt_get(directory: Path, install_exit: int = 0, creates_programs: bool = True) -> Path:
    """An apt-get that records each call and its DEBIAN_FRONTEND, and 'installs' a package by creating its programs."""
    calls = directory / "apt-get.calls"
    script = directory / "apt-get"
    script.write_text(f"""#!{sys.executable}
import os, sys
from pathlib import Path
with open({str(calls)!r}, "a") as calls:
    calls.write(os.environ.get("DEBIAN_FRONTEND", "-") + " " + " ".join(sys.argv[1:]) + "\\n")
if sys.argv[1] == "install":
    print("Reading package lists...")
    if {install_exit}:
        sys.exit("E: Unable to locate package chromium-driver")
    packages = {PACKAGES if creates_programs else {}!r}
    for package in sys.argv[2:]:
        for program in [p for p in packages.get(package, []) if not p.startswith("/")]:  # never a real module
            Path({str(directory)!r}, program).write_text("#!/bin/sh\\n")
            Path({str(directory)!r}, program).chmod(0o755)
""")
    script.chmod(0o755)
    return calls


def test_nothing_missing_is_silent():
    result = run_script(os.environ["PATH"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_user_who_is_not_root_is_told_the_missing_programs_and_the_one_command(bin_dir):
    calls = fake_apt_get(bin_dir)
    # That user may reach neither this clone (under /root, say) nor this Python: copies and Debian's python3 then.
    nobody = [shutil.which("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    python = next((python for python in (sys.executable, "/usr/bin/python3")
                   if subprocess.run([*nobody, python, "-c", ""], capture_output=True).returncode == 0), None)
    if python is None:
        pytest.skip("no Python this machine's user nobody may run")
    copy = bin_dir / "clone"
    (copy / "tools").mkdir(parents=True)
    shutil.copy(SCRIPT, copy / "tools")
    shutil.copy(PACKAGE_LIST, copy)
    for directory in (copy, copy / "tools"):
        directory.chmod(0o755)
    result = run_script(str(bin_dir), copy / "tools" / SCRIPT.name, user=nobody, python=python)
    assert result.returncode == 1 and result.stdout == ""
    assert "Missing programs: " in result.stderr and "chromium" in result.stderr and "msgfmt" in result.stderr
    assert "kea-dhcp4" not in result.stderr  # in /usr/sbin, found although the PATH lacks it
    command = result.stderr.strip().splitlines()[-1].strip()
    assert command.startswith("sudo apt-get install -y --no-install-recommends ")
    assert {"chromium", "gettext", "make", "curl"} <= set(command.split()) and "kea-dhcp4-server" not in command
    assert not calls.exists()


def test_root_without_apt_get_is_told_the_same(bin_dir):
    result = run_script(str(bin_dir))
    assert result.returncode == 1 and "sudo apt-get install -y --no-install-recommends " in result.stderr
    assert "chromium" in result.stderr


def test_root_with_apt_get_installs_the_missing_packages_in_one_line(bin_dir):
    calls = fake_apt_get(bin_dir)
    result = run_script(str(bin_dir))
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout.count("\n") == 1
    missing = list(missing_programs(PACKAGES, ""))
    assert result.stdout == f"Installing {len(missing)} Debian packages: {', '.join(missing)} ...\n"
    assert calls.read_text().splitlines() == [
        "noninteractive update -qq", f"noninteractive install -y --no-install-recommends {' '.join(missing)}"]
    assert (bin_dir / "chromium").exists()


def test_apt_get_failing_shows_its_output_and_stops(bin_dir):
    fake_apt_get(bin_dir, install_exit=100)
    result = run_script(str(bin_dir))
    assert result.returncode == 1
    assert "Reading package lists..." in result.stderr and "E: Unable to locate package" in result.stderr
    assert "apt-get install -y --no-install-recommends" in result.stderr


def test_a_package_that_installs_without_its_program_is_named(bin_dir):
    fake_apt_get(bin_dir, creates_programs=False)
    result = run_script(str(bin_dir))
    assert result.returncode == 1 and "Installed, but still missing: " in result.stderr
    assert "chromium (chromium)" in result.stderr


@pytest.mark.parametrize("target", ["run", "test"])
def test_make_run_and_make_test_stop_first_thing_at_a_missing_program(bin_dir, target):
    result = subprocess.run([shutil.which("make"), "-C", str(REPOSITORY), target, f"PYTHON={sys.executable}"],
                            env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Missing programs: " in result.stderr and "sudo apt-get install " in result.stderr
    assert "venv" not in result.stdout + result.stderr and "manage.py" not in result.stdout
