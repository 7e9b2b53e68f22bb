"""/plan/ reads like Table 1: one row per SSID with its VLAN's IPv6 and IPv4 service and prefixes."""
import re

import pytest

pytestmark = pytest.mark.usefixtures("wide_plan")


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_table_shows_table_1(noc_client):
    response = noc_client.get("/plan/")

    text = text_of(response.content)
    assert "widecamp-nowep hidden MAC authentication 2.4 GHz 103 widecamp-nowep" in text
    assert "widecamp-a WPA2 EAP-TLS 5 GHz 101 widecamp" in text
    assert "IPv4 private proxy resolver open DHCPv4 4rd 192.168.0.0/24" in text
    assert "IPv6 global DNS64 DHCPv6 NAT64 2001:200:0:ff90::/64" in text
    assert "IPv4 global DNS64 DHCPv4 by MAC registration SA46T 203.178.158.64/27" in text
    assert text.index("widecamp-sat") < text.index("widecamp-iij") < text.index("widecamp-4rd")


def test_vlans_without_ssids_are_listed(noc_client):
    text = text_of(noc_client.get("/plan/").content)

    assert "no SSID (wired or servers) 81 nat64" in text
    assert "2001:200:0:ff99::/96 translator" in text
