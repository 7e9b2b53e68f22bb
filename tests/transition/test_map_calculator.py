"""The MAP calculator page: the ShowNet example bit by bit, plain errors next to the field, reverse look-up."""
import pytest

pytestmark = pytest.mark.django_db

SHOWNET = "/transition/map-calculator/?rule_ipv6=2001:3e8:6000::/56&rule_ipv4=130.129.255.92/30&ea_len=8&psid_offset=4"


def test_shownet_example_gives_the_slides_answer(helpdesk_client):
    page = helpdesk_client.get(SHOWNET + "&ce_prefix=2001:3e8:6000:42::/64").content.decode()
    assert "130.129.255.93" in page
    assert "2 (6 bits)" in page
    assert "960 ports in 15 blocks" in page
    assert "<td>1</td><td>4224</td><td>4287</td>" in page
    assert "<td>15</td><td>61568</td><td>61631</td>" in page
    assert "<code>01000010</code>" in page  # the EA bits of 2001:3e8:6000:42::/64
    assert "2001:3e8:6000:42:0:8281:ff5d:2" in page


def test_page_links_the_shownet_example(noc_client):
    page = noc_client.get("/transition/map-calculator/").content.decode()
    assert "rule_ipv6=2001%3A3e8%3A6000%3A%3A/56" in page and "ShowNet 2013 example" in page
    assert 'hx-trigger="keyup changed delay:300ms, change"' in page


def test_htmx_request_gets_only_the_result(noc_client):
    response = noc_client.get(SHOWNET + "&ce_prefix=2001:3e8:6000:42::/64", HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"130.129.255.93" in response.content


def test_inconsistent_rule_shows_the_plain_error_next_to_the_field(noc_client):
    page = noc_client.get(SHOWNET + "&psid_len=5&ce_prefix=2001:3e8:6000:42::/64").content.decode()
    assert "EA-bits length 8 minus 2 IPv4 suffix bits gives PSID length 6, not 5" in page
    assert page.index("PSID length 6, not 5") > page.index('name="psid_len"')
    assert "130.129.255.93" not in page


def test_bad_prefix_and_outside_ce_prefix_are_explained(noc_client):
    page = noc_client.get(SHOWNET.replace("/56", "/56x") + "&ce_prefix=x").content.decode()
    assert "rule IPv6 prefix &#x27;2001:3e8:6000::/56x&#x27; is not an IPv6 prefix" in page
    page = noc_client.get(SHOWNET + "&ce_prefix=2001:db8::/64").content.decode()
    assert "CE prefix 2001:db8::/64 is outside the rule IPv6 prefix 2001:3e8:6000::/56" in page


def test_reverse_lookup_finds_the_ce(helpdesk_client):
    page = helpdesk_client.get(SHOWNET + "&ipv4=130.129.255.93&port=4230").content.decode()
    assert "2001:3e8:6000:42::/64" in page and "PSID" in page
    page = helpdesk_client.get(SHOWNET + "&ipv4=130.129.255.93&port=80").content.decode()
    assert "port 80 lies in 0-4095, which PSID offset 4 keeps from every CE" in page


def test_participants_may_not_use_it(participant_client):
    assert participant_client.get(SHOWNET).status_code == 403


PROVISIONED = ("/transition/map-calculator/?rule_ipv6=2001:db8:12:3400::/56&rule_ipv4=192.0.2.18/32&ea_len=0"
               "&psid_offset=6&psid_len=8&ce_prefix=2001:db8:12:3400::/56")


def test_psid_provisioned_apart_gives_rfc_7599_example_5(helpdesk_client):
    page = helpdesk_client.get(PROVISIONED + "&psid=52").content.decode()
    assert 'name="psid"' in page
    assert "2001:db8:12:3400:0:c000:212:34" in page
    assert "<td>1</td><td>1232</td><td>1235</td>" in page


def test_missing_or_unwanted_psid_is_explained_next_to_the_psid_field(noc_client):
    page = noc_client.get(PROVISIONED).content.decode()
    assert "bits carry no PSID: give the provisioned PSID" in page
    assert page.index("give the provisioned PSID") > page.index('name="psid"')
    page = noc_client.get(SHOWNET + "&ce_prefix=2001:3e8:6000:42::/64&psid=3").content.decode()
    assert "this rule takes the PSID from the EA bits of the CE prefix; do not provision one apart" in page
    assert "130.129.255.93" not in page
    page = noc_client.get(PROVISIONED + "&psid=256").content.decode()
    assert "PSID 256 does not fit in 8 bits" in page


def test_a_32_rule_with_40_ea_bits_gives_a_72(helpdesk_client):
    page = helpdesk_client.get("/transition/map-calculator/?rule_ipv6=2001:db8::/32&rule_ipv4=10.0.0.0/8&ea_len=40"
                               "&psid_offset=0&ce_prefix=2001:db8:102:312:3400::/72").content.decode()
    assert "10.1.2.3" in page and "2001:db8:102:312:3400:a01:203:1234" in page
