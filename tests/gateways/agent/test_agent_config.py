"""agent.toml: the console token goes over plain HTTP only to loopback or when allowed; TLS keys; read timeout."""

from pathlib import Path

import pytest

from gateways.agentconfig import AgentConfigError, parse_agent_config

BASE = Path("/etc/opsconsole-agent")
MINIMAL = {"node": "gw1", "secret": "s", "state_dir": "state"}


def parse(**table: object):
    return parse_agent_config(MINIMAL | table, BASE)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000", "http://127.8.9.10:8000", "http://[::1]:8000", "http://localhost:8000",
    "http://0.0.0.0:8000", "http://[::]:8000", "https://console.example.net", "https://[2001:db8::1]:8443/",
])  # fmt: skip
def test_console_urls_the_token_may_travel_to(url: str) -> None:
    assert parse(console_url=url).console_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://web:8000", "http://[2001:db8::1]:8000", "http://192.0.2.1"])
def test_plain_http_to_another_host_needs_an_explicit_yes(url: str) -> None:
    with pytest.raises(AgentConfigError) as refused:
        parse(console_url=url)
    assert str(refused.value) == (f"console_url {url} would send the console token in clear to a host that is not "
                                  "loopback: use https:// or set allow_plain_http_console = true")
    assert parse(console_url=url, allow_plain_http_console=True).console_url == url


@pytest.mark.parametrize(("table", "message"), [
    ({"console_url": "ftp://console"}, "console_url ftp://console is not an http:// or https:// URL with a host"),
    ({"console_url": "http://[::1"}, r"console_url http://\[::1 is not an http:// or https:// URL with a host"),
    ({"console_url": "https://", }, "console_url https: is not an http:// or https:// URL with a host"),
    ({"allow_plain_http_console": "yes", "console_url": "http://web"}, "allow_plain_http_console has the wrong type"),
    ({"tls_certificate": "agent.pem"}, "tls_certificate and tls_key go together: give both or neither"),
    ({"tls_key": "agent.key"}, "tls_certificate and tls_key go together: give both or neither"),
    ({"read_timeout": 0}, "read_timeout must be positive"),
    ({"read_timeout": "10"}, "read_timeout has the wrong type"),
])  # fmt: skip
def test_refused_settings_say_why(table: dict, message: str) -> None:
    with pytest.raises(AgentConfigError, match=message):
        parse(**table)


def test_tls_paths_are_taken_from_the_config_directory() -> None:
    config = parse(tls_certificate="tls/agent.pem", tls_key="/secure/agent.key", console_ca_file="console-ca.pem",
                   read_timeout=2.5)  # fmt: skip
    assert (config.tls_certificate, config.tls_key, config.console_ca_file, config.read_timeout) == (
        BASE / "tls/agent.pem", Path("/secure/agent.key"), BASE / "console-ca.pem", 2.5)
    plain = parse()
    assert (plain.tls_certificate, plain.tls_key, plain.console_ca_file, plain.read_timeout) == (None, None, None, 10)


def test_stats_settings_default_to_a_debian_node_and_take_a_namespace() -> None:
    assert parse().stats.unbound_control == ("unbound-control", "-c", "/etc/unbound/unbound.conf")
    assert parse().stats.run_in == () and parse().stats.tayga_dynamic_map is None
    stats = parse(stats={"run_in": "ip netns exec gw", "unbound_control": "unbound-control -c '/srv/u b.conf'",
                         "tayga_dynamic_map": "/srv/tayga/dynamic.map", "timeout": 1, "deadline": 5}).stats
    assert stats.run_in == ("ip", "netns", "exec", "gw")
    assert stats.unbound_control == ("unbound-control", "-c", "/srv/u b.conf")
    assert (str(stats.tayga_dynamic_map), stats.timeout, stats.deadline) == ("/srv/tayga/dynamic.map", 1, 5)
    for table, message in (({"run_inside": "x"}, "stats has unknown keys: run_inside"),
                           ({"timeout": 0}, "timeout must be positive")):
        with pytest.raises(AgentConfigError, match=message):
            parse(stats=table)
