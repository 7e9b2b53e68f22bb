"""An IPv6-only client fetches an IPv4-only server's page by name through the DNS64 and NAT64 the console pushed."""
import ipaddress

import pytest

from tests.e2e.conftest import FIRST_PREFIX
from tests.e2e.namespaces import SERVER4

pytestmark = pytest.mark.e2e
NEW_PREFIX = "2001:db8:46::/96"


def synthesised(prefix: str) -> str:
    """SERVER4 inside a /96 NAT64 prefix (RFC 6052), as dig prints it."""
    network = ipaddress.IPv6Network(prefix)
    return str(network.network_address + int(ipaddress.IPv4Address(SERVER4)))


def test_client_reaches_ipv4_only_server_by_name_and_follows_a_prefix_change(lab, lab_gateway):
    assert lab.wait_for_answer("2001:db8:64:") == [synthesised(FIRST_PREFIX)]
    assert lab.fetch() == f"IPv4-only server {lab.server}\n"

    lab_gateway.edit_nat64(NEW_PREFIX)
    lab_gateway.edit_dns64(NEW_PREFIX)
    lab_gateway.wait_converged()

    assert lab.lookup() == [synthesised(NEW_PREFIX)]
    assert lab.fetch() == f"IPv4-only server {lab.server}\n"
    page = lab_gateway.noc.page(f"/nodes/{lab_gateway.node.name}/")
    assert "2001:db8:46::/96" in page and lab_gateway.node.desired_revision.content_hash in page
