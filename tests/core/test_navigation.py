"""The top bar's links: each role sees its own, in the reader's language, however the pages before were rendered
(a process renders the links once per role and language and keeps them)."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NOC_ONLY = ('href="/audit/"', 'href="/admin/"')
STAFF = ('href="/registration/"', 'href="/dashboard/"')
PARTICIPANT = ('href="/portal/"',)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def navigation(client, path: str = "/me/") -> str:
    page = client.get(path).content.decode()
    return page[page.index("<nav>"):page.index("</nav>")]


def test_each_role_sees_its_links_whichever_role_came_first(noc_user, helpdesk_user, participant_user):
    clients = [signed_in(user) for user in (participant_user, noc_user, helpdesk_user)]
    for _ in range(2):
        participant, noc, desk = (navigation(client) for client in clients)
        assert all(link in noc for link in NOC_ONLY + STAFF) and not any(link in noc for link in PARTICIPANT)
        assert all(link in desk for link in STAFF) and not any(link in desk for link in NOC_ONLY + PARTICIPANT)
        assert all(link in participant for link in PARTICIPANT)
        assert not any(link in participant for link in NOC_ONLY + STAFF)


def test_the_links_follow_the_language_switch_both_ways(noc_user, helpdesk_user):
    noc_client, helpdesk_client = signed_in(noc_user), signed_in(helpdesk_user)
    assert ">Audit<" in navigation(noc_client)
    noc_client.post("/i18n/setlang/", {"language": "ja", "next": "/me/"})
    assert ">監査<" in navigation(noc_client) and ">Audit<" not in navigation(noc_client)
    assert ">Participants<" in navigation(helpdesk_client)  # another reader, still in English
    noc_client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert ">Audit<" in navigation(noc_client)
