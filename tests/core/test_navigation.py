"""The top bar: each role sees its own links, each person their own name, each page its own path and CSRF token, in
the reader's language, however the pages before were rendered (a process renders the bar once per role and language
and keeps it, with markers where the request's values go)."""
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from opsconsole.accounts.models import Role
from opsconsole.core.templatetags.layout import marked_pieces
from tests.conftest import make_user

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


def top_bar(client, path: str = "/me/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<header class="topbar">'):page.index("</header>")]


def form_values(bar: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}"[^>]*? value="([^"]*)"', bar)


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


def test_each_person_sees_their_own_name_escaped(helpdesk_user):
    marked_up = make_user('eve<b>"desk', Role.HELPDESK)
    plain, other = signed_in(helpdesk_user), signed_in(marked_up)
    for _ in range(2):
        assert "bob-helpdesk · Helpdesk" in top_bar(plain) and "eve" not in top_bar(plain)
        assert "eve&lt;b&gt;&quot;desk · Helpdesk" in top_bar(other) and "bob-helpdesk" not in top_bar(other)
        assert "<b>" not in top_bar(other)


def test_the_language_switch_returns_to_this_page(noc_user):
    client = signed_in(noc_user)
    assert form_values(top_bar(client, "/me/"), "next") == ["/me/"]
    assert form_values(top_bar(client, "/registration/?q=o'brien"), "next") == ["/registration/?q=o&#x27;brien"]
    assert form_values(top_bar(client, "/registration/?q=%22%3E%3Cs%3E"), "next") == ["/registration/?q=%22%3E%3Cs%3E"]


def test_sign_out_works_with_the_token_of_this_page(helpdesk_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(helpdesk_user)
    client.get("/me/")  # a page before, rendered with a token of its own
    tokens = form_values(top_bar(client, "/registration/"), "csrfmiddlewaretoken")
    assert len(tokens) == 2 and len(set(tokens)) == 1  # the language switch and sign-out
    assert client.post("/logout/").status_code == 403
    assert client.post("/logout/", {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
    assert client.get("/me/").status_code == 302  # signed out: back to the sign-in page


def test_the_role_is_named_in_the_readers_language(helpdesk_user):
    client = signed_in(helpdesk_user)
    assert "bob-helpdesk · Helpdesk" in top_bar(client)
    client.post("/i18n/setlang/", {"language": "ja", "next": "/me/"})
    assert "bob-helpdesk · ヘルプデスク" in top_bar(client)


def test_signed_out_pages_offer_the_languages_and_no_sign_out(helpdesk_user):
    signed_in(helpdesk_user).get("/me/")  # a signed-in bar rendered first
    bar = top_bar(Client(), "/login/")
    assert 'value="ja"' in bar and "<nav>" not in bar and "/logout/" not in bar and "bob-helpdesk" not in bar
    assert form_values(bar, "next") == ["/login/"]


@override_settings(TEMPLATES=[{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"shouted.html": "{{ username|upper }}"})]},
}])
def test_a_part_that_alters_a_request_value_is_refused(helpdesk_user):
    with pytest.raises(ImproperlyConfigured, match="shouted.html"):
        marked_pieces("shouted.html", helpdesk_user)
