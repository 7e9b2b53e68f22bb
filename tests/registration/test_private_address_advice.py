"""The randomised-address advice puts the person's own operating system first: the one chosen for the device, or
the one their browser runs on."""
import re

import pytest

from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.neighbours import record_neighbours

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
PIXEL = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def advice_order(page: str) -> list[str]:
    block = page[page.index('id="private-address"'):page.index("</details>")]
    return re.findall(r"<li>([^:<]+):", block)


def test_the_os_chosen_at_registration_comes_first_in_the_portal(participant_client, participant):
    response = participant_client.post("/portal/devices/", {"mac": "da:a1:19:00:00:01", "os": "windows"},
                                       HTTP_USER_AGENT=IPHONE)

    assert response.status_code == 302 and response["Location"] == "/portal/?os=windows#private-address"
    page = participant_client.get(response["Location"], HTTP_USER_AGENT=IPHONE).content.decode()
    assert "private (randomised) address" in page
    assert '<details id="private-address" open>' in page
    assert advice_order(page) == ["Windows", "iOS / iPadOS", "Android", "macOS"]


def test_otherwise_the_browsers_os_comes_first(participant_client, participant):
    android = participant_client.get("/portal/find-mac/", HTTP_USER_AGENT=PIXEL).content.decode()
    iphone = participant_client.get("/portal/", HTTP_USER_AGENT=IPHONE).content.decode()
    unknown = participant_client.get("/portal/", HTTP_USER_AGENT="curl/8.0").content.decode()

    assert advice_order(android) == ["Android", "iOS / iPadOS", "Windows", "macOS"]
    assert advice_order(iphone)[0] == "iOS / iPadOS"
    assert advice_order(unknown) == ["iOS / iPadOS", "Android", "Windows", "macOS"]
    assert '<details id="private-address">' in unknown  # closed unless the person just registered such an address


def test_register_this_device_with_a_randomised_address_leads_to_the_advice(participant_client, participant):
    node = GatewayNode(name="gw-1", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    record_neighbours(node, [{"ip": "127.0.0.1", "mac": "da:a1:19:00:00:02"}])

    response = participant_client.post("/portal/devices/", {"this_device": "1", "os": "other"}, HTTP_USER_AGENT=PIXEL)
    page = participant_client.get(response["Location"], HTTP_USER_AGENT=PIXEL).content.decode()

    assert advice_order(page)[0] == "Android"  # "other" chosen: the browser's system comes first


def test_the_helpdesk_message_puts_the_devices_os_first(helpdesk_client, participant):
    page = helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/",
                                {"mac": "da:a1:19:12:34:57", "os": "android"}, follow=True).content.decode()

    advice = page[page.index("da:a1:19:12:34:57 is a randomised"):]
    advice = advice[:advice.index("</li>")]
    assert advice.index("Android:") < advice.index("iOS / iPadOS:") < advice.index("Windows:") < advice.index("macOS:")
    assert "Use device MAC" in advice
