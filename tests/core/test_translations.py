"""The Japanese catalogue is complete, well-formed, and the compiled file matches it."""
import subprocess
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "opsconsole" / "locale" / "ja" / "LC_MESSAGES"


def entries(*flags: str) -> list[str]:
    output = subprocess.run(["msgattrib", *flags, str(CATALOGUE / "django.po")], capture_output=True, text=True,
                            check=True).stdout
    return [line for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_message_is_translated_and_none_is_fuzzy():
    assert entries("--untranslated") == []
    assert entries("--only-fuzzy") == []


def test_the_compiled_catalogue_is_current(tmp_path):
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE / "django.po")], check=True)
    assert (tmp_path / "django.mo").read_bytes() == (CATALOGUE / "django.mo").read_bytes()
