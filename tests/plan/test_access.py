"""Role boundaries over HTTP: NOC edits, helpdesk reads and exports, participants get nothing."""
import pytest

from opsconsole.plan.models import Prefix, Ssid

pytestmark = pytest.mark.usefixtures("wide_plan")

EDITOR_URLS = [
    "/plan/vlans/add/",
    "/plan/vlans/101/",
    "/plan/vlans/101/delete/",
    "/plan/ssids/add/",
    "/plan/ssids/{ssid}/",
    "/plan/ssids/{ssid}/delete/",
    "/plan/prefixes/add/",
    "/plan/prefixes/{prefix}/",
    "/plan/prefixes/{prefix}/delete/",
    "/plan/import/",
]


def urls() -> list[str]:
    ssid = Ssid.objects.get(essid="widecamp").pk
    prefix = Prefix.objects.get(network="2001:200:0:ff90::/64").pk
    return [url.format(ssid=ssid, prefix=prefix) for url in EDITOR_URLS]


def test_participant_gets_403_everywhere(participant_client):
    for url in ["/plan/", "/plan/export.yaml", *urls()]:
        assert participant_client.get(url).status_code == 403, url
        assert participant_client.post(url, {}).status_code == 403, url


def test_helpdesk_reads_and_exports_but_may_not_edit(helpdesk_client):
    table = helpdesk_client.get("/plan/")
    assert table.status_code == 200
    assert b"widecamp-nowep" in table.content
    assert b"/plan/ssids/" not in table.content  # no edit links
    assert helpdesk_client.get("/plan/export.yaml").status_code == 200
    for url in urls():
        assert helpdesk_client.get(url).status_code == 403, url
        assert helpdesk_client.post(url, {"text": "vlans: []\nssids: []\nprefixes: []\n"}).status_code == 403, url
    assert Ssid.objects.count() == 6


def test_anonymous_is_sent_to_login(client):
    for url in ["/plan/", "/plan/export.yaml", *urls()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_noc_opens_every_editor(noc_client):
    for url in urls():
        assert noc_client.get(url).status_code == 200, url
