"""PREF64 option bytes against RFC 8781's definitions and BIRD's documented example."""
import pytest
from scapy.layers.inet6 import ICMPv6NDOptPREF64

from gateways.pref64 import Pref64Error, bird_custom_option, pref64_option, pref64_value


def test_bird_documentation_example_2001_db8_a_b_96_for_one_hour():
    # BIRD's doc/bird.sgml (custom option): "advertises PREF64 ... 2001:db8:a:b::/96 and the lifetime of 1 hour".
    assert bird_custom_option("2001:db8:a:b::/96", 3600) == (
        "custom option type 38 value hex:0e:10:20:01:0d:b8:00:0a:00:0b:00:00:00:00;")


def test_whole_option_is_type_38_length_2_sixteen_bytes():
    option = pref64_option("64:ff9b::/96", 1800)

    assert len(option) == 16
    assert option[:2] == bytes([38, 2])
    # 1800 s is 225 units of 8 s; PLC 0 is /96.
    assert int.from_bytes(option[2:4], "big") == 225 << 3
    assert option[4:] == bytes.fromhex("0064ff9b0000000000000000")


@pytest.mark.parametrize("length, code", [(96, 0), (64, 1), (56, 2), (48, 3), (40, 4), (32, 5)])
def test_prefix_length_codes_of_rfc_8781_section_4(length, code):
    value = pref64_value(f"2001:db8::/{length}", 8)

    assert value[1] & 0b111 == code
    assert int.from_bytes(value[:2], "big") >> 3 == 1


def test_lifetime_rounds_up_to_the_next_8_seconds_and_stops_at_13_bits():
    assert int.from_bytes(pref64_value("64:ff9b::/96", 9)[:2], "big") >> 3 == 2
    assert int.from_bytes(pref64_value("64:ff9b::/96", 65528)[:2], "big") >> 3 == 8191
    with pytest.raises(Pref64Error, match="0 to 65528 s"):
        pref64_value("64:ff9b::/96", 65529)


@pytest.mark.parametrize("prefix", ["2001:db8::/33", "2001:db8::/128", "192.0.2.0/24"])
def test_prefixes_rfc_6052_does_not_allow_are_refused(prefix):
    with pytest.raises(Pref64Error, match="length 32, 40, 48, 56, 64 or 96"):
        pref64_value(prefix, 1800)


def test_scapy_reads_the_option_as_prefix_and_lifetime():
    parsed = ICMPv6NDOptPREF64(pref64_option("2001:db8:64::/96", 1800))

    assert (parsed.type, parsed.len, parsed.scaledlifetime * 8, parsed.plc, parsed.prefix) == (
        38, 2, 1800, 0, "2001:db8:64::")
