"""MAC normalisation: every common notation becomes one form; multicast, broadcast and zero are refused."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from opsconsole.registration.mac import MacError, is_locally_administered, normalise_mac, search_digits


@pytest.mark.parametrize("typed", [
    "aa:bb:cc:dd:ee:f0", "AA-BB-CC-DD-EE-F0", "aabb.ccdd.eef0", "aabbccddeef0", " aa bb cc dd ee f0 ", "AA:bb:Cc:dD:eE:F0",
])
def test_common_notations_normalise_to_one_form(typed):
    assert normalise_mac(typed) == "aa:bb:cc:dd:ee:f0"


@pytest.mark.parametrize("typed, code", [
    ("01:00:5e:00:00:01", "multicast"), ("33-33-00-00-00-01", "multicast"), ("ff:ff:ff:ff:ff:ff", "broadcast"),
    ("00:00:00:00:00:00", "zero"), ("aa:bb:cc:dd:ee", "malformed"), ("aa:bb-cc:dd:ee:ff", "malformed"), ("gg:bb:cc:dd:ee:ff", "malformed"),
])
def test_unusable_addresses_are_refused_with_their_reason(typed, code):
    with pytest.raises(MacError) as refused:
        normalise_mac(typed)
    assert refused.value.code == code


def test_randomised_addresses_are_recognised():
    assert is_locally_administered(normalise_mac("da:a1:19:00:00:01"))
    assert not is_locally_administered(normalise_mac("00:1b:63:00:00:01"))


@pytest.mark.parametrize("query, digits", [("ccdd", "ccdd"), ("cc:dd", "ccdd"), ("CC-DD", "ccdd"), ("carol", None), ("c", None)])
def test_search_fragments_in_any_notation(query, digits):
    assert search_digits(query) == digits


unicast = st.integers(0, 2**48 - 1).filter(lambda n: not (n >> 40) & 1 and n != 0)


@given(unicast, st.sampled_from([":", "-", " ", ""]), st.booleans())
def test_any_separator_and_case_round_trips(number, separator, upper):
    digits = f"{number:012x}"
    typed = separator.join(digits[i : i + 2] for i in range(0, 12, 2))
    mac = normalise_mac(typed.upper() if upper else typed)
    assert mac.replace(":", "") == digits and normalise_mac(mac) == mac
