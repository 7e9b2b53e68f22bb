"""Properties of the prefix rules over many generated prefixes."""
import ipaddress

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from opsconsole.plan.validators import overlap_errors, parse_network


@st.composite
def interfaces(draw) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    address = draw(st.integers(0, 2**bits - 1))
    return ipaddress.ip_interface((address, draw(st.integers(0, bits))))


@given(interfaces())
def test_the_suggested_network_holds_the_address_and_is_accepted(interface):
    text = f"{interface.ip}/{interface.network.prefixlen}"
    if interface.ip == interface.network.network_address:
        assert parse_network(text) == interface.network
        return
    try:
        parse_network(text)
    except ValidationError as error:
        assert error.code == "host_bits"
        assert error.params["network"] == interface.network
        assert parse_network(str(error.params["network"])) == interface.network
    else:
        raise AssertionError(f"{text} was accepted")


@given(interfaces(), interfaces())
def test_overlap_is_symmetric_and_never_crosses_families(a, b):
    one, two = a.network, b.network
    forward = overlap_errors(one, [(two, "x")])
    backward = overlap_errors(two, [(one, "y")])
    assert bool(forward) == bool(backward)
    if one.version != two.version or one == two:
        assert forward == []
    else:
        assert bool(forward) == (one.subnet_of(two) or two.subnet_of(one))
