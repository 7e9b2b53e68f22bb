"""MD4 against RFC 1320's test suite, and the NT hash against values Windows and Samba produce."""
import subprocess

import pytest

from opsconsole.certificates.nt_hash import md4, nt_hash


@pytest.mark.parametrize("message, digest", [
    (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
    (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
    (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
    (b"message digest", "d9130a8164549fe818874806e1c7014b"),
    (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
    (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
    (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
])
def test_rfc_1320_suite(message, digest):
    assert md4(message).hex() == digest


@pytest.mark.parametrize("password, expected", [
    ("password", "8846f7eaee8fb117ad06bdd830b7586c"),
    ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
])
def test_nt_hashes(password, expected):
    assert nt_hash(password) == expected


def test_every_padding_boundary_matches_openssls_legacy_md4():
    # Lengths around 55/56/64 bytes change how many blocks the padding needs.
    for length in (54, 55, 56, 57, 63, 64, 65, 119, 120, 128):
        message = bytes(range(length))
        reference = subprocess.run(["openssl", "dgst", "-md4", "-provider", "legacy", "-provider", "default", "-r"],
                                   input=message, capture_output=True, check=True).stdout.split()[0].decode()
        assert md4(message).hex() == reference, length
