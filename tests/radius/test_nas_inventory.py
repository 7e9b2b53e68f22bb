"""The NAS inventory: addresses validated and normalised, the shared secret encrypted, write-only and audited."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.audit.models import AuditEntry
from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid, Vlan
from opsconsole.radius.models import Nas

pytestmark = pytest.mark.django_db

SECRET = "hall-A-shared-secret"


@pytest.fixture
def nowep(db) -> Ssid:
    return Ssid.objects.create(essid="widecamp-nowep", bands=["5GHz"], authentication=Authentication.MAC,
                               vlan=Vlan.objects.create(vid=40, name="nowep"))


def add(client, **fields):
    return client.post("/admin/radius/nas/add/", {"name": "hall A", "address": "2001:DB8:40::0/64", "coa_port": 3799,
                                                  **fields})


def test_a_nas_is_added_with_its_secret_encrypted_and_never_shown_again(noc_client, nowep):
    response = add(noc_client, new_secret=SECRET, ssids=[nowep.pk])

    assert response.status_code == 302, response.content.decode()[:3000]
    nas = Nas.objects.get()
    assert nas.address == "2001:db8:40::/64" and list(nas.ssids.all()) == [nowep]
    assert nas.secret == SECRET and SECRET not in nas.secret_encrypted
    page = noc_client.get(f"/admin/radius/nas/{nas.pk}/change/").content.decode()
    assert SECRET not in page and nas.secret_encrypted not in page
    entries = AuditEntry.objects.filter(object_type="radius.Nas").order_by("id")
    assert entries[0].actor_label == "alice-noc" and entries[0].after["secret_encrypted"] == "(secret)"
    assert entries.last().after == {"ssids": ["widecamp-nowep"]} and entries.last().actor_label == "alice-noc"


def test_an_empty_new_secret_keeps_the_old_one_and_a_new_one_is_a_recorded_renewal(noc_client, nowep):
    add(noc_client, new_secret=SECRET)
    nas = Nas.objects.get()

    noc_client.post(f"/admin/radius/nas/{nas.pk}/change/",
                    {"name": "hall A", "address": "2001:db8:40::/64", "coa_port": 3799, "new_secret": ""})
    assert Nas.objects.get().secret == SECRET
    noc_client.post(f"/admin/radius/nas/{nas.pk}/change/",
                    {"name": "hall A", "address": "2001:db8:40::/64", "coa_port": 3799, "new_secret": "a-renewed-secret"})

    assert Nas.objects.get().secret == "a-renewed-secret"
    renewal = AuditEntry.objects.filter(object_type="radius.Nas", action="update").latest("id")
    assert renewal.after["secret_encrypted"] == "(new secret)"


@pytest.mark.parametrize("fields, says", [
    ({"new_secret": ""}, "A new NAS needs its shared secret."),
    ({"new_secret": "short"}, "A shared secret is at least 8 printable ASCII characters."),
    ({"new_secret": "back\\slash-secret"}, "A shared secret cannot hold a backslash: FreeRADIUS cannot read one."),
    ({"new_secret": SECRET, "address": "192.0.2.1/24"}, "is not an IPv4 or IPv6 address or subnet"),
])
def test_a_nas_without_a_usable_secret_or_address_is_refused_plainly(noc_client, fields, says):
    response = add(noc_client, **fields)

    assert response.status_code == 200 and says in response.content.decode()
    assert not Nas.objects.exists()


@pytest.mark.parametrize("address, stored", [("192.0.2.17", "192.0.2.17"), ("192.0.2.0/24", "192.0.2.0/24"),
                                             ("2001:DB8::1/128", "2001:db8::1")])
def test_addresses_are_stored_in_one_form(address, stored):
    nas = Nas(name="ap", address=address, secret_encrypted="x")
    nas.full_clean()
    assert nas.address == stored


def test_a_nas_address_that_is_neither_address_nor_subnet_is_refused():
    with pytest.raises(ValidationError, match="not an IPv4 or IPv6 address or subnet"):
        Nas(name="ap", address="ap-17.example", secret_encrypted="x").full_clean()
