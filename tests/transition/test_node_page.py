"""A node's page: roles, intent and rendered files; the NOC edits, helpdesk reads, participants are refused."""
import json
import re

import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.transition.models import Nat64Pool4, Nat64Role, Sa46tRole

pytestmark = pytest.mark.django_db


def test_helpdesk_reads_roles_intent_and_files_without_edit_links(helpdesk_client, wide_camp):
    page = helpdesk_client.get("/transition/nodes/wide-nat64-1/").content.decode()
    assert "intent valid" in page
    assert "203.178.159.24/30" in page and "tayga/tayga.conf" in page and "prefix 2001:200:0:ff99::/96" in page
    intent = json.loads(re.search(r'<pre class="config">(.*?)</pre>', page, re.S)[1].replace("&quot;", '"'))
    assert intent["roles"]["nat64"]["member"] == {"index": 1, "count": 3}
    assert "/delete/" not in page and "/add/" not in page


def test_participant_is_refused(participant_client, wide_camp):
    assert participant_client.get("/transition/nodes/wide-nat64-1/").status_code == 403
    assert participant_client.get("/transition/").status_code == 403


def test_helpdesk_cannot_change_roles(helpdesk_client, wide_camp):
    role = Nat64Role.objects.get(node__name="wide-nat64-1")
    assert helpdesk_client.get("/transition/nodes/wide-nat64-1/nat64/add/").status_code == 403
    response = helpdesk_client.post(f"/transition/nodes/wide-nat64-1/nat64/{role.pk}/delete/")
    assert response.status_code == 403 and Nat64Role.objects.filter(pk=role.pk).exists()


def test_noc_adds_a_pool4_and_the_change_is_audited(noc_client, shownet):
    response = noc_client.post("/transition/nodes/shownet-plat/nat64-pool4/add/",
                               {"prefix": "70.0.0.64/30", "first_port": "1", "last_port": "65535"})
    assert response.status_code == 302 and response["Location"] == "/transition/nodes/shownet-plat/"
    pool = Nat64Pool4.objects.get(prefix="70.0.0.64/30")
    entry = AuditEntry.objects.filter(object_type="transition.Nat64Pool4", object_id=str(pool.pk)).get()
    assert entry.action == "create" and entry.actor_label == "alice-noc"
    page = noc_client.get("/transition/nodes/shownet-plat/").content.decode()
    assert "70.0.0.64/30" in page and "intent valid" in page


def test_noc_sees_the_overlap_error_next_to_the_field(noc_client, shownet):
    page = noc_client.post("/transition/nodes/shownet-plat/nat64-pool4/add/",
                           {"prefix": "130.129.255.100/30", "first_port": "1", "last_port": "65535"}).content.decode()
    assert "overlaps shownet-nat64-dns64&#x27;s pool4 130.129.255.96/29 ports 1-65535" in page
    assert page.index("overlaps shownet-nat64-dns64") > page.index('name="prefix"')
    assert not Nat64Pool4.objects.filter(prefix="130.129.255.100/30").exists()


def test_tayga_takes_a_single_pool4(noc_client, wide_camp):
    page = noc_client.post("/transition/nodes/wide-nat64-1/nat64-pool4/add/",
                           {"prefix": "203.178.159.64/30", "first_port": "1", "last_port": "65535"}).content.decode()
    assert "TAYGA&#x27;s NAT44 takes a single pool4 prefix." in page


def test_noc_edits_and_deletes_a_role(noc_client, wide_camp):
    role = Sa46tRole.objects.get(node__name="wide-sa46t-camp")
    form = {"prefix": "2001:db8:46::/64", "plane_id": "0", "ipv4_address": "192.0.2.1", "networks": "192.0.2.0/25",
            "uplink": "eth1", "tunnel": "sa46t", "mtu": "1460"}
    assert noc_client.post(f"/transition/nodes/wide-sa46t-camp/sa46t/{role.pk}/", form).status_code == 302
    role.refresh_from_db()
    assert role.uplink == "eth1"
    assert noc_client.post(f"/transition/nodes/wide-sa46t-camp/sa46t/{role.pk}/delete/").status_code == 302
    assert not Sa46tRole.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.filter(object_type="transition.Sa46tRole", action="delete").exists()
    # Its peer lost its only peer: the intent error shows on the SA46T role.
    page = noc_client.get("/transition/nodes/wide-sa46t-backbone/").content.decode()
    assert "intent does not validate" in page
    assert re.search(r'id="role-sa46t">.*?errorlist.*?roles\.sa46t\.peers', page, re.S)


def test_intent_error_is_shown_next_to_the_form_field(noc_client, wide_camp):
    role = Sa46tRole.objects.get(node__name="wide-sa46t-camp")
    Sa46tRole.objects.filter(node__name="wide-sa46t-backbone").delete()
    page = noc_client.get(f"/transition/nodes/wide-sa46t-camp/sa46t/{role.pk}/").content.decode()
    assert re.search(r'name="prefix".*?<ul class="errorlist intent"><li>roles\.sa46t\.peers', page, re.S)


def test_unknown_role_kind_is_404(noc_client, wide_camp):
    assert noc_client.get("/transition/nodes/wide-nat64-1/warp-drive/add/").status_code == 404
