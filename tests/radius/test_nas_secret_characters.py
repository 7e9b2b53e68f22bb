"""A NAS secret holding quotes, spaces and ${...} reaches FreeRADIUS unchanged: the secrets file quotes it, clients.conf
only refers to it, and an access point using the very same secret is answered. (FreeRADIUS reads no backslash in
a configuration value back as one, so the NAS form refuses secrets holding one: tests/radius/test_nas_inventory.py.)"""
import pytest

from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid, Vlan
from opsconsole.radius.models import Nas
from opsconsole.registration.models import Device

from ..freeradius import radclient, running_freeradius
from ..registration.conftest import make_participant

pytestmark = pytest.mark.django_db(transaction=True)

NAS_ID = 9201
SECRET = 'ap sec"ret \'x\'"y ${z} %{User-Name}'
MAC = "00:00:5e:10:21:01"


def test_a_secret_with_quotes_and_references_authenticates_the_nas():
    vlan = Vlan.objects.create(vid=40, name="nowep")
    ssid = Ssid.objects.create(essid="nowep", bands=["5GHz"], authentication=Authentication.MAC, vlan=vlan)
    nas = Nas(pk=NAS_ID, name="ap quoted", address="127.0.0.1")
    nas.set_secret(SECRET)
    nas.save()
    nas.ssids.set([ssid])
    Device.objects.create(participant=make_participant(), mac=MAC).vlans.set([vlan])
    attributes = {"User-Name": "00005e102101", "Called-Station-Id": "02-00-5E-10-00-01:nowep",
                  "Calling-Station-Id": "00005e102101"}

    with running_freeradius([{"id": NAS_ID, "name": "ap quoted", "address": "127.0.0.1"}], {NAS_ID: nas.secret}) as radius:
        accepted = radclient("127.0.0.1", radius.port, SECRET, attributes)
        other = radclient("127.0.0.1", radius.port, SECRET.replace("'", ""), attributes)

    assert accepted.code == "Access-Accept", radius.log[-30:]
    assert accepted.attributes["Tunnel-Private-Group-Id"] == "40"
    assert other.code == ""  # no answer to another secret: the quotes are part of it
