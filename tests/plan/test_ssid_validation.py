"""Bad SSID input is refused with a plain message, in the model and on the editor page."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.plan.models import Ssid, Vlan

pytestmark = pytest.mark.usefixtures("wide_plan")


def messages_of(**fields) -> dict[str, list[str]]:
    values = {"essid": "fresh", "bands": ["5GHz"], "authentication": "wpa2-eap-tls", "vlan": Vlan.objects.get(vid=101)}
    with pytest.raises(ValidationError) as refused:
        Ssid(**(values | fields)).full_clean()
    return refused.value.message_dict


def test_essid_is_counted_in_utf8_bytes():
    assert len("会場ネットワーク無線ラン") == 12
    eleven = "会場ネットワーク無線ラ"  # 11 characters, 33 bytes

    assert messages_of(essid=eleven)["essid"] == [f"An ESSID is at most 32 bytes in UTF-8; “{eleven}” is 33 bytes."]
    assert messages_of(essid="x" * 33)["essid"] == ["An ESSID is at most 32 bytes in UTF-8; “" + "x" * 33 + "” is 33 bytes."]
    Ssid(essid="会場ネットワーク無線", bands=["5GHz"], authentication="open", vlan=Vlan.objects.get(vid=101)).full_clean()


def test_empty_duplicate_and_bad_choices():
    assert messages_of(essid="")["essid"] == ["An ESSID needs at least one character."]
    assert messages_of(essid="widecamp")["essid"] == ["ESSID “widecamp” is already in the plan."]
    assert messages_of(authentication="wep")["authentication"] == [
        "“wep” is not a valid authentication; choose one of wpa2-eap-tls, mac-auth, psk, open."
    ]
    assert messages_of(bands=["11a"])["bands"] == ["“11a” is not a band; choose from 2.4GHz, 5GHz, 6GHz."]
    assert messages_of(bands=[])["bands"] == ["Choose at least one band, as a list such as [2.4GHz, 5GHz]."]
    assert messages_of(bands="5GHz")["bands"] == ["Choose at least one band, as a list such as [2.4GHz, 5GHz]."]
    assert messages_of(bands=["5GHz", "5GHz"])["bands"] == ["Name each band once."]


def test_bands_are_kept_in_band_order():
    ssid = Ssid(essid="both", bands=["5GHz", "2.4GHz"], authentication="psk", vlan=Vlan.objects.get(vid=101))
    ssid.full_clean()
    assert ssid.bands == ["2.4GHz", "5GHz"]


def post(client, follow: bool = False, **fields):
    values = {"essid": "fresh", "bands": ["5GHz"], "authentication": "wpa2-eap-tls", "vlan": Vlan.objects.get(vid=101).pk}
    return client.post("/plan/ssids/add/", values | fields, follow=follow)


def test_page_shows_the_model_messages(noc_client):
    eleven = "会場ネットワーク無線ラ"
    assert post(noc_client, essid=eleven).context["form"].errors["essid"] == [
        f"An ESSID is at most 32 bytes in UTF-8; “{eleven}” is 33 bytes."
    ]
    assert post(noc_client, essid="").context["form"].errors["essid"] == ["An ESSID needs at least one character."]
    assert post(noc_client, essid="widecamp-a").context["form"].errors["essid"] == [
        "ESSID “widecamp-a” is already in the plan."
    ]
    assert post(noc_client, authentication="wep").context["form"].errors["authentication"] == [
        "“wep” is not a valid authentication; choose one of wpa2-eap-tls, mac-auth, psk, open."
    ]
    assert post(noc_client, bands=["11a"]).context["form"].errors["bands"] == [
        "“11a” is not a band; choose from 2.4GHz, 5GHz, 6GHz."
    ]
    assert post(noc_client, bands=[]).context["form"].errors["bands"] == [
        "Choose at least one band, as a list such as [2.4GHz, 5GHz]."
    ]
    assert Ssid.objects.count() == 6


def test_page_adds_and_deletes_an_ssid(noc_client):
    response = post(noc_client, essid="会場ネットワーク無線", bands=["6GHz", "5GHz"], hidden="on", follow=True)
    assert "Saved SSID 会場ネットワーク無線." in response.content.decode()
    ssid = Ssid.objects.get(essid="会場ネットワーク無線")
    assert (ssid.hidden, ssid.bands) == (True, ["5GHz", "6GHz"])

    response = noc_client.post(f"/plan/ssids/{ssid.pk}/delete/", follow=True)

    assert "Deleted SSID 会場ネットワーク無線." in response.content.decode()
    assert not Ssid.objects.filter(essid="会場ネットワーク無線").exists()


def test_the_wifi_password_only_on_an_eap_ssid(noc_client):
    refusal = ["The Wi-Fi password is offered only on an EAP SSID."]
    assert messages_of(authentication="mac-auth", wifi_password=True)["wifi_password"] == refusal
    Ssid(essid="fresh", bands=["5GHz"], authentication="wpa2-eap-tls", wifi_password=True,
         vlan=Vlan.objects.get(vid=101)).full_clean()
    ssid = Ssid.objects.get(essid="widecamp-nowep")

    page = noc_client.post(f"/plan/ssids/{ssid.pk}/", {
        "essid": ssid.essid, "authentication": "mac-auth", "wifi_password": "on", "bands": ["2.4GHz"], "vlan": ssid.vlan_id})

    assert refusal[0] in page.content.decode()
    assert not Ssid.objects.get(pk=ssid.pk).wifi_password
