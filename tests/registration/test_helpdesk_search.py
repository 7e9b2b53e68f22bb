"""Search as you type: by name, e-mail, affiliation or any fragment of a MAC in any notation; htmx gets the fragment."""
import pytest

from opsconsole.registration.models import Device

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
    for n in range(60):
        make_participant(f"Same Name {n}", f"s{n}@example.org")

    page = helpdesk_client.get("/registration/", {"q": "same name"}, HTTP_HX_REQUEST="true").content.decode()

    assert page.count("/registration/participants/") == 50 and "first 50" in page
