"""Setup guides through HTTP: seeded from the WIDE camp's lessons, read in one's language, written by the NOC."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.guides.models import Guide
from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import DhcpService


def test_the_camps_lessons_are_there_for_anyone(client, db):
    response = client.get("/guides/")
    assert response.status_code == 200
    assert "Windows: turn IPv4 off to stop the one-to-two-minute wait" in response.text
    assert "macOS: set the DNS64 resolver with networksetup" in response.text
    assert set(Guide.objects.values_list("topic", flat=True)) == {"ipv4-off", "dns64", "certificate", "applications"}


def test_guides_come_in_japanese(client, db):
    response = client.get("/guides/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "Windows: IPv4 を無効にして 1〜2 分の待ち時間をなくす" in response.text
    assert "turn IPv4 off to stop" not in response.text


def test_a_guide_without_japanese_falls_back_to_english(client, db):
    Guide.objects.create(slug="ios-tips", os="ios", topic="dns64", title_en="iOS tips", body_en="Nothing to do.")
    assert "iOS tips" in client.get("/guides/ios-tips/", HTTP_ACCEPT_LANGUAGE="ja").text


def test_the_list_filters_by_system(client, db):
    response = client.get("/guides/?os=macos")
    assert "macOS: set the DNS64 resolver" in response.text and "Windows:" not in response.text
    assert "Windows:" in client.get("/guides/?os=amiga").text  # an unknown system shows every guide


def test_the_macos_command_names_the_networks_resolver(client, db):
    node = GatewayNode(name="dhcp-guides", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    DhcpService.objects.create(node=node, dns_servers6=["2001:200:0:ff80::5"])
    response = client.get("/guides/macos-dns64-by-hand/")
    assert '<pre class="config">sudo networksetup -setdnsservers &quot;Wi-Fi&quot; 2001:200:0:ff80::5' in response.text


def test_without_a_dhcp_service_the_command_says_where_the_address_comes_from(client, db):
    response = client.get("/guides/macos-dns64-by-hand/")
    assert "the DNS64 resolver address the helpdesk gives you" in response.text


def test_the_certificate_guide_links_to_the_certificate_steps(client, db):
    assert 'href="/portal/certificates/#setup"' in client.get("/guides/certificate/").text


def test_an_unknown_guide_is_not_found(client, db):
    assert client.get("/guides/no-such-guide/").status_code == 404


def windows_ipv4_off() -> Guide:
    """Seeded by a data migration, which a transactional test earlier in the same worker may have flushed."""
    return Guide.objects.get_or_create(slug="windows-ipv4-off", defaults={
        "os": "windows", "topic": "ipv4-off", "order": 10, "title_en": "Windows: turn IPv4 off", "body_en": "Do this."})[0]


def test_the_noc_edits_a_guide_audited_and_no_html_gets_through(noc_client):
    guide = windows_ipv4_off()
    response = noc_client.post("/guides/windows-ipv4-off/edit/", {
        "slug": guide.slug, "os": guide.os, "topic": guide.topic, "order": 10, "title_en": "Windows <b>fast</b>",
        "title_ja": guide.title_ja, "body_en": "Do this.\n\n<script>alert(1)</script>\n\n$ netsh <x>", "body_ja": ""})
    assert response.status_code == 302 and response["Location"] == "/guides/windows-ipv4-off/"
    page = noc_client.get("/guides/windows-ipv4-off/").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Windows &lt;b&gt;fast&lt;/b&gt;" in page and '<pre class="config">netsh &lt;x&gt;</pre>' in page
    entry = AuditEntry.objects.filter(object_type="guides.Guide", object_id=str(guide.pk)).latest("at")
    assert entry.actor_label == "alice-noc" and entry.after["title_en"] == "Windows <b>fast</b>"


def test_the_noc_writes_a_new_guide(noc_client):
    response = noc_client.post("/guides/new/", {"slug": "ios-clat", "os": "ios", "topic": "ipv4-off", "order": 5,
                                                 "title_en": "iOS: nothing to do", "body_en": "Option 108 does it."})
    assert response.status_code == 302 and Guide.objects.filter(slug="ios-clat").exists()


@pytest.mark.parametrize("change, message", [
    ({"title_en": ""}, "This field is required."),
    ({"slug": "macos-ipv4-off"}, "already exists"),
    ({"slug": "not a slug!"}, "Enter a valid"),
    ({"os": "amiga"}, "Select a valid choice"),
])
def test_bad_input_is_refused_plainly(noc_client, change, message):
    data = {"slug": "new-one", "os": "linux", "topic": "dns64", "order": 1, "title_en": "T", "body_en": "B", **change}
    response = noc_client.post("/guides/new/", data)
    assert response.status_code == 400 and message in response.text


@pytest.mark.parametrize("who", ["helpdesk_client", "participant_client"])
def test_only_the_noc_writes_guides(request, who):
    client = request.getfixturevalue(who)
    windows_ipv4_off()
    assert client.get("/guides/windows-ipv4-off/edit/").status_code == 403
    assert client.post("/guides/new/", {"slug": "x"}).status_code == 403
    assert client.get("/guides/windows-ipv4-off/").status_code == 200


def test_anonymous_is_sent_to_sign_in_to_edit(client, db):
    assert client.get("/guides/new/")["Location"].startswith("/login/")
