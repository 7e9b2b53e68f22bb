"""Every heading and column title on the console's pages starts with a capital letter, as sentences do."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.yamlio import demo_plan, import_plan
from opsconsole.registration.models import Device, Participant

pytestmark = pytest.mark.django_db

HEADINGS = {"h1", "h2", "h3", "h4", "th"}


class HeadingText(HTMLParser):
    """The words of each heading, leaving out data shown in it: `<code>` (file paths, MACs), badges (service names)
    and a node's name (a lower-case slug by rule)."""

    def __init__(self, data: set[str]):
        super().__init__()
        self.data = data
        self.open: list[list[str]] = []
        self.in_data: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self.open.append([])
        elif tag == "code" or (tag == "span" and "badge" in (dict(attrs).get("class") or "")):
            self.in_data.append(tag)

    def handle_endtag(self, tag):
        if tag in HEADINGS and self.open:
            self.found.append("".join(self.open.pop()).strip())
        elif self.in_data and tag == self.in_data[-1]:
            self.in_data.pop()

    def handle_data(self, data):
        if self.in_data or data.strip() in self.data:
            return
        for parts in self.open:
            parts.append(data)


def headings(page: str, data: set[str]) -> list[str]:
    parser = HeadingText(data)
    parser.feed(page)
    return [text for text in parser.found if text]


def test_headings_are_capitalised(noc_client, participant_user):
    import_plan(demo_plan("wide-camp-2011"))
    call_command("load_demo_nodes", "wide-camp-2011", verbosity=0)
    node = GatewayNode.objects.order_by("name").first()
    node_names = set(GatewayNode.objects.values_list("name", flat=True))
    carol = Participant.objects.create(name="Carol Example", user=participant_user,
                                       active_until=timezone.now() + timedelta(days=3))
    Device.objects.create(participant=carol, mac="00:1b:63:00:00:01")
    pages = ["/plan/", "/nodes/", f"/nodes/{node.name}/", "/transition/", f"/transition/nodes/{node.name}/",
             "/transition/map-calculator/?rule_ipv6=2001:3e8:6000::/56&rule_ipv4=130.129.255.92/30&ea_len=8"
             "&psid_offset=4&ce_prefix=2001:3e8:6000:42::/64",
             "/registration/?q=carol", f"/registration/participants/{carol.pk}/", "/registration/import/", "/audit/",
             "/support/", "/selftest/summary/", "/survey/", "/guides/", "/guides/new/"]

    seen = {}
    for url in pages:
        response = noc_client.get(url)
        assert response.status_code == 200, url
        seen[url] = headings(response.content.decode(), node_names)
    noc_client.force_login(participant_user)
    for url in ("/portal/", "/portal/find-mac/", "/selftest/", "/portal/trouble/", "/portal/survey/"):
        seen[url] = headings(noc_client.get(url).content.decode(), node_names)

    lower = {url: [text for text in found if text[0].islower()] for url, found in seen.items()}
    assert all(seen.values()), seen
    assert lower == {url: [] for url in seen}
