"""CSRF tokens keep Django's form and strength, but a page draws their randomness in one read, not one per
character (each read lets go of the GIL, which under load costs a hand-over to another thread and back)."""
import collections
import random
import re

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

from opsconsole.core.csrf_randomness import random_csrf_string

DRAWS = 20_000


def test_a_string_has_djangos_length_and_alphabet_and_is_never_repeated():
    drawn = [random_csrf_string() for _ in range(DRAWS)]

    assert {len(string) for string in drawn} == {CSRF_SECRET_LENGTH}
    assert set("".join(drawn)) <= set(CSRF_ALLOWED_CHARS)
    assert len(set(drawn)) == DRAWS


def test_every_character_is_equally_likely():
    counts = collections.Counter("".join(random_csrf_string() for _ in range(DRAWS)))
    expected = DRAWS * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)
    chi_square = sum((counts[character] - expected) ** 2 / expected for character in CSRF_ALLOWED_CHARS)

    # 61 degrees of freedom: 125 is beyond the 99.999th percentile. Taking bytes modulo 62 without dropping the
    # top ones (256 = 4 x 62 + 8) would favour the first 8 characters by 1/4 and give a chi-square in the thousands.
    assert len(counts) == len(CSRF_ALLOWED_CHARS)
    assert chi_square < 125, counts


@pytest.fixture
def reads_of_the_random_source(monkeypatch) -> list[int]:
    """Every read of the OS's random source by the random and secrets modules (both read through random._urandom)."""
    reads: list[int] = []
    read = random._urandom

    def counted(size: int) -> bytes:
        reads.append(size)
        return read(size)

    monkeypatch.setattr(random, "_urandom", counted)
    return reads


def test_a_signed_in_page_reads_the_random_source_once(helpdesk_client, reads_of_the_random_source):
    helpdesk_client.get("/registration/")  # the browser's first page: its CSRF cookie (a secret drawn for it)
    reads_of_the_random_source.clear()

    page = helpdesk_client.get("/registration/?q=nobody").content.decode()

    assert re.search(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', page)
    assert len(reads_of_the_random_source) == 1, reads_of_the_random_source

