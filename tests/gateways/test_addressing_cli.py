"""The operator command line, run as operators run it: JSON out, one plain line and exit 2 for bad input."""
import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHOWNET_FLAGS = [
    "--rule-ipv6", "2001:3e8:6000::/56", "--rule-ipv4", "130.129.255.92/30",
    "--ea-len", "8", "--psid-offset", "4",
]

FOURRD_C1_FLAGS = ["--rule-ipv4", "192.4.0.0/16", "--ea-len", "18", "--rule-ipv6", "2001:0db8:0800::/38"]


def addressing(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REPO / ".venv/bin/python"), "-m", "gateways.addressing", *args],
        cwd=REPO, capture_output=True, text=True, timeout=30,
    )


def test_map_prints_the_shownet_ce() -> None:
    result = addressing("map", *SHOWNET_FLAGS, "--prefix", "2001:3e8:6000:42::/64")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer == {
        "ipv4": "130.129.255.93",
        "psid": 2,
        "psid_len": 6,
        "ports": [[a * 4096 + 128, a * 4096 + 191] for a in range(1, 16)],
        "port_count": 960,
        "ce_ipv6": "2001:3e8:6000:42:0:8281:ff5d:2",
    }


def test_map_draft03_and_provisioned_psid() -> None:
    draft03 = json.loads(addressing("map", *SHOWNET_FLAGS, "--prefix", "2001:3e8:6000:42::/64", "--draft03").stdout)
    assert draft03["ce_ipv6"] == "2001:3e8:6000:42:82:81ff:5d00:200"
    fifth = addressing(
        "map", "--rule-ipv6", "2001:db8:12:3400::/56", "--rule-ipv4", "192.0.2.18/32", "--ea-len", "0",
        "--psid-offset", "6", "--psid-len", "8", "--psid", "52", "--prefix", "2001:db8:12:3400::/56",
    )
    answer = json.loads(fifth.stdout)
    assert answer["ce_ipv6"] == "2001:db8:12:3400:0:c000:212:34"
    assert answer["ports"][0] == [1232, 1235] and answer["port_count"] == 252


def test_map_accepts_a_32_rule_with_40_ea_bits() -> None:
    result = addressing("map", "--rule-ipv6", "2001:db8::/32", "--rule-ipv4", "10.0.0.0/8", "--ea-len", "40",
                        "--psid-offset", "0", "--prefix", "2001:db8:102:312:3400::/72")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["ipv4"], answer["psid"], answer["psid_len"]) == ("10.1.2.3", 0x1234, 16)
    assert answer["ce_ipv6"] == "2001:db8:102:312:3400:a01:203:1234"


def test_map_reverse_finds_the_ce() -> None:
    answer = json.loads(addressing("map-reverse", *SHOWNET_FLAGS, "--ipv4", "130.129.255.95", "--port", "45089").stdout)
    assert answer["ce_prefix"] == "2001:3e8:6000:c0::/64"
    assert answer["ce_ipv6"] == "2001:3e8:6000:c0:0:8281:ff5f:0"


def test_4rd_maps_rfc_7600_appendix_c1_both_ways() -> None:
    # RFC 7600 appendix C.1: {192.4.0.0/16, 18, 2001:0db8:0800::/38}, port 7777 to 192.4.238.238, CE prefix
    # 2001:0db8:0bbb:bb00::/56; the CNP 0x088b is ~(0x2001 + 0x0db8 + 0x0bbb + 0xbb00 + 0x0300).
    expected = {
        "ce_prefix": "2001:db8:bbb:bb00::/56",
        "ipv4": "192.4.238.238",
        "psid": 3,
        "psid_len": 2,
        "ports": [[y << 12 | 0xC00, y << 12 | 0xFFF] for y in range(1, 16)],
        "port_count": 15 * 1024,
        "ce_ipv6": "2001:db8:bbb:bb00:300:c004:eeee:88b",
        "embedded_ipv4": "192.4.238.238",
    }
    for given in (["--ipv4", "192.4.238.238", "--port", "7777"], ["--prefix", "2001:db8:bbb:bb00::/56"],
                  ["--ipv6", "2001:db8:bbb:bb00:300:c004:eeee:88b"]):
        result = addressing("4rd", *FOURRD_C1_FLAGS, *given)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == expected


def test_4rd_br_mapping_rule_of_appendix_d() -> None:
    answer = json.loads(addressing("4rd", "--rule-ipv4", "0.0.0.0/0", "--ea-len", "32", "--rule-ipv6",
                                   "2001:db8:0:1:300::/80", "--ipv4", "192.0.2.1").stdout)
    assert answer["ce_prefix"] == "2001:db8:0:1:300:c000:201:0/112"
    assert answer["ce_ipv6"] == "2001:db8:0:1:300:c000:201:cf45"


def test_4rd_wkps_authorized_moves_the_psid_to_the_top_of_the_port() -> None:
    flags = ["--rule-ipv4", "198.16.0.0/14", "--ea-len", "22", "--rule-ipv6", "2001:db8:4000::/34"]
    answer = json.loads(addressing("4rd", *flags, "--wkps-authorized", "--ipv4", "198.17.0.1", "--port", "80").stdout)
    assert (answer["psid"], answer["ports"]) == (0, [[0, 4095]])
    refused = addressing("4rd", *flags, "--ipv4", "198.17.0.1", "--port", "80")
    assert refused.returncode == 2 and "port 80 lies in 0-4095" in refused.stderr


def test_rfc6052_both_directions() -> None:
    embed = addressing("rfc6052", "--prefix", "2001:db8:122:344::/64", "--ipv4", "192.0.2.33")
    assert json.loads(embed.stdout) == {"ipv6": "2001:db8:122:344:c0:2:2100:0"}
    extract = addressing("rfc6052", "--prefix", "64:ff9b::/96", "--ipv6", "64:ff9b::85f2:351e")
    assert json.loads(extract.stdout) == {"ipv4": "133.242.53.30"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["map", *SHOWNET_FLAGS, "--prefix", "2001:3e8:6000:42::/64", "--psid-len", "13"],
         "PSID offset 4 + PSID length 13 exceeds 16 bits"),
        (["map", *SHOWNET_FLAGS, "--prefix", "2001:3e8:7000:42::/64"], "outside the rule IPv6 prefix"),
        (["rfc6052", "--prefix", "64:ff9b::/96", "--ipv4", "192.168.1.1"], "must not carry the non-global"),
        (["rfc6052", "--prefix", "2001:db8::/100", "--ipv4", "192.0.2.1"], "not /100"),
        (["map", "--rule-ipv6", "2001:db8::/40"], "required"),
        (["map", *SHOWNET_FLAGS, "--prefix", "2001:3e8:6000:42::/64", "--ea-len", "eight"], "invalid int value"),
        (["rfc6052", "--prefix", "64:ff9b::/96"], "one of the arguments --ipv4 --ipv6 is required"),
        ([], "required"),
        (["4rd", *FOURRD_C1_FLAGS, "--ipv4", "192.4.238.238"], "shares IPv4 addresses with PSID length 2: give --port"),
        (["4rd", *FOURRD_C1_FLAGS, "--ipv6", "2001:db8:bbb:bb00:300:c004:eeee:88c"], "is not checksum neutral"),
        (["4rd", *FOURRD_C1_FLAGS, "--ipv6", "2001:db8:bbb:bb00::1"], "has no 4rd Tag (0x0300) in bits 64-79"),
        (["4rd", *FOURRD_C1_FLAGS, "--prefix", "2001:db8:bbb:bb00::/56", "--ipv4", "192.4.238.238"],
         "not allowed with argument"),
    ],
)
def test_bad_input_exits_2_with_one_plain_line(args: list[str], fragment: str) -> None:
    result = addressing(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
