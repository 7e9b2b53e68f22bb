"""Where a sign-in code is used: the helpdesk's message names the portal's sign-in page, and the staff sign-in page
links to it."""
import re

import pytest

from opsconsole.registration.models import SignInCode

pytestmark = pytest.mark.django_db


def test_the_code_message_says_where_to_use_it(client, helpdesk_client, participant, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "console.example.net"]
    page = helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/", follow=True,
                                HTTP_HOST="console.example.net").content.decode()

    code = SignInCode.objects.get().code
    assert code in page
    url = re.search(r"enters it at (\S+)</li>", page).group(1)
    assert url == "http://console.example.net/portal/sign-in/"
    helpdesk_client.logout()
    assert client.post(url, {"code": code}).status_code == 302  # the address works as given


def test_the_staff_sign_in_page_links_to_the_portals(client):
    page = client.get("/login/").content.decode()

    assert 'href="/portal/sign-in/"' in page
