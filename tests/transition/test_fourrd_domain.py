"""A 4rd domain keeps to what RFC 7600 fixes: PSID offset 4 (or 0), the PSID from the EA bits, CE prefixes to /64."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.transition.demo import WIDE_4RD
from opsconsole.transition.models import MapDomain

pytestmark = pytest.mark.django_db

# RFC 7600 appendix C.1's second CE Mapping rule, {192.4.0.0/16, 18, 2001:0db8:0800::/38}.
C1_RULE = {"name": "c1", "variant": "4rd", "rule_ipv4": "192.4.0.0/16", "ea_len": 18, "rule_ipv6": "2001:db8:800::/38",
           "psid_offset": 4, "br_address": "2001:db8:0:1:300::1"}


def refused(**fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        MapDomain(**{**C1_RULE, **fields}).full_clean()
    return caught.value.message_dict


def test_the_rfc_and_demo_rules_are_accepted() -> None:
    for fields in (C1_RULE, {**C1_RULE, "name": "c1-wkps", "psid_offset": 0}, WIDE_4RD):
        domain = MapDomain(**fields)
        domain.full_clean()
        domain.save()


def test_a_map_psid_offset_is_refused_for_4rd() -> None:
    assert refused(psid_offset=6)["psid_offset"] == [
        "4rd puts the PSID after the first 4 bits of a port, or first when well-known ports are authorized: "
        "PSID offset 4 or 0 (RFC 7600 R-7)."]
    MapDomain(**{**C1_RULE, "variant": "map-e", "psid_offset": 6}).full_clean()  # MAP-E takes any offset


def test_a_psid_provisioned_apart_is_refused_for_4rd() -> None:
    errors = refused(rule_ipv4="192.4.238.238/32", ea_len=0, rule_ipv6="2001:db8:bbb:bb00::/56", psid_len=2)
    assert errors["psid_len"] == ["4rd takes the PSID from the EA bits only (RFC 7600 R-7): leave the PSID length empty."]


def test_a_ce_prefix_past_64_is_refused_for_4rd() -> None:
    errors = refused(rule_ipv6="2001:db8::/48")
    assert errors["ea_len"] == ["A 4rd CE's prefix, the rule IPv6 prefix plus the EA bits, must end by /64 "
                                "(RFC 7600 section 4.5), not /66."]
