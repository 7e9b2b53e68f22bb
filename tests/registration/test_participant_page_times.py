"""The helpdesk's participant page: when a device was last seen says how long ago; every exact time names its zone."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import Device, NeighbourEntry, SignInCode

pytestmark = pytest.mark.django_db


def test_times_say_ago_and_name_the_zone(helpdesk_client, participant):
    device = Device.objects.create(participant=participant, mac="00:1b:63:00:00:31",
                                   expires_at=timezone.now() + timedelta(days=1))
    node = GatewayNode(name="gw-1", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    NeighbourEntry.objects.create(node=node, ip="192.0.2.31", mac=device.mac, seen_at=timezone.now() - timedelta(minutes=4))
    helpdesk_client.post(f"/registration/participants/{participant.pk}/sign-in-code/")
    code = SignInCode.objects.get()

    page = helpdesk_client.get(f"/registration/participants/{participant.pk}/").content.decode()

    assert "4\xa0minutes ago</time>" in page
    for moment in (participant.active_from, participant.active_until, device.expires_at, code.expires_at):
        assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M JST") in page
