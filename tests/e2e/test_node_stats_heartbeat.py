"""The lab gateway's real agent reports its real TAYGA and Unbound statistics and its probes with each heartbeat;
they reach the console's API and land as node samples. The DNS64 probe says correct under the node's NAT64 prefix,
and wrong once the DNS64 synthesises under another one."""
import pytest

from opsconsole.monitoring.node_stats import latest_node_values
from opsconsole.transition.models import Dns64Role, Nat64Role
from tests.e2e.conftest import FIRST_PREFIX, dns64_form, nat64_form
from tests.e2e.namespaces import DYNAMIC_POOL, SERVER4, WEB_NAME
from tests.e2e.stack import wait_until

pytestmark = pytest.mark.e2e
OTHER_PREFIX = "2001:db8:46::/96"
REPORT_SECONDS = 60


def newest(node) -> dict[str, float]:
    return {key: value for found, key, value, _ in latest_node_values("") if found.pk == node.pk}


def test_real_daemon_statistics_and_probes_land_as_node_samples(lab, lab_gateway):
    noc, node = lab_gateway.noc, lab_gateway.node
    noc.submit(lab_gateway.roles_page("nat64", Nat64Role), nat64_form(FIRST_PREFIX) | {"probe_url": f"http://{SERVER4}/"})
    noc.submit(lab_gateway.roles_page("dns64", Dns64Role), dns64_form(FIRST_PREFIX) | {"probe_name": WEB_NAME})
    lab_gateway.wait_converged()
    assert lab.fetch() == f"IPv4-only server {lab.server}\n"  # the client through DNS64 and NAT64

    pool = f"nat64:pool:{DYNAMIC_POOL}"
    wanted = {f"{pool}:used", "probe:dns64:correct", "probe:nat64:ok", "dns:queries-per-s", "dns:aaaa-queries-per-s",
              "if:cl0:in-bps"}

    def complete() -> dict[str, float] | None:
        values = newest(node)
        # Two dynamic mappings: the client's, and the gateway's own for the NAT64 probe.
        return values if wanted <= values.keys() and values["probe:dns64:correct"] == 1 and values[f"{pool}:used"] >= 2 \
            else None

    values = wait_until(complete, REPORT_SECONDS, f"the node's statistics in the console: {newest(node)}\n"
                                                  f"{lab_gateway.agent.process.log()[-3000:]}")
    assert values[f"{pool}:size"] == 254  # a /24 less its network and broadcast addresses
    assert values["probe:dns64:ms"] >= 0 and values["probe:nat64:ok"] == 1 and values["probe:nat64:ms"] > 0
    assert values["dns:aaaa-queries-per-s"] >= 0 and values["dns:servfail-per-s"] >= 0
    assert values["if:cl0:in-bps"] >= 0 and values["if:srv0:out-bps"] >= 0  # the gateway's own interfaces
    node.refresh_from_db()
    assert node.last_heartbeat["stats"]["errors"] == {} and node.last_heartbeat["probes"]["errors"] == {}

    # The DNS64 now synthesises under a prefix the node's NAT64 does not translate: a wrong answer.
    noc.submit(lab_gateway.roles_page("dns64", Dns64Role), dns64_form(OTHER_PREFIX) | {"probe_name": WEB_NAME})
    lab_gateway.wait_converged()
    assert lab.wait_for_answer("2001:db8:46:")
    wait_until(lambda: newest(node)["probe:dns64:correct"] == 0, REPORT_SECONDS, "the DNS64 probe saw the wrong prefix")
