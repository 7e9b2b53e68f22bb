"""Search as you type: by name, e-mail, affiliation or any fragment of a MAC in any notation; htmx gets the fragment."""
import pytest

from opsconsole.registration.models import Device
from opsconsole.registration.views import SEARCH_LIMIT

from .conftest import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    carol = make_participant("Carol Example", "carol@example.org")
    Device.objects.create(participant=carol, mac="aa:bb:cc:dd:ee:f0")
    make_participant("Dave Other", "dave@isp.example")
    return carol


@pytest.mark.parametrize("query", ["ccdd", "cc:dd", "CC-DD", "aabb.cc", "carol", "EXAMPLE.ORG", "wide"])
def test_finds_by_any_part(helpdesk_client, people, query):
    response = helpdesk_client.get("/registration/", {"q": query}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200 and "Carol Example" in page
    assert "<html" not in page  # htmx receives only the results fragment


def test_no_match_says_so(helpdesk_client, people):
    page = helpdesk_client.get("/registration/", {"q": "ff:ee:99"}).content.decode()

    assert "Nobody matches" in page and 'hx-trigger="input changed delay:200ms' in page


def test_results_are_capped(helpdesk_client, db):
    for n in range(SEARCH_LIMIT + 10):
        make_participant(f"Same Name {n}", f"s{n}@example.org")

    page = helpdesk_client.get("/registration/", {"q": "same name"}, HTTP_HX_REQUEST="true").content.decode()

    assert page.count("/registration/participants/") == SEARCH_LIMIT and f"first {SEARCH_LIMIT}" in page


def test_search_follows_devices_as_they_move_and_go(helpdesk_client, people):
    dave = make_participant("Dave Moved", "dave2@example.org")
    device = Device.objects.get(mac="aa:bb:cc:dd:ee:f0")

    def found(query):
        return helpdesk_client.get("/registration/", {"q": query}, HTTP_HX_REQUEST="true").content.decode()

    device.participant = dave
    device.save()
    assert "Dave Moved" in found("ccdd") and "Carol Example" not in found("ccdd")

    device.delete()
    assert "Nobody matches" in found("ccdd")
    assert "Carol Example" in found("carol")  # her own details are still searchable


@pytest.mark.parametrize("query", ["%", "c_rol", "carol%example", "\\", "'; --"])
def test_wildcards_and_quotes_are_plain_characters(helpdesk_client, people, query):
    page = helpdesk_client.get("/registration/", {"q": query}, HTTP_HX_REQUEST="true").content.decode()

    assert "Nobody matches" in page and "Carol Example" not in page


def test_a_participant_is_one_row_with_every_mac_in_order(helpdesk_client, people):
    Device.objects.create(participant=people, mac="00:11:22:33:44:55")

    page = helpdesk_client.get("/registration/", {"q": "carol"}, HTTP_HX_REQUEST="true").content.decode()

    assert page.count("Carol Example") == 1
    assert page.index("00:11:22:33:44:55") < page.index("aa:bb:cc:dd:ee:f0")


def test_what_people_typed_is_shown_as_text_never_as_markup(helpdesk_client, db):
    participant = make_participant('Eve <script>alert(1)</script>', 'eve"onmouseover=x@example.org')
    participant.affiliation = "<b>Evil & Co</b>"
    participant.save()

    page = helpdesk_client.get("/registration/", {"q": "eve"}, HTTP_HX_REQUEST="true").content.decode()

    row = next(line for line in page.splitlines() if "/registration/participants/" in line)
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>" not in row
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in row and 'eve&quot;onmouseover=x@example.org' in row
