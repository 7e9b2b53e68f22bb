"""The demo's registration side: the demo participant's record and a DHCP node serving the registration VLANs."""
from datetime import timedelta

from django.utils import timezone

from opsconsole.accounts.models import User
from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.choices import Allocation
from opsconsole.plan.models import Vlan

from .models import DhcpService, Participant

DEMO_DHCP_NODE = "demo-dhcp"
DEMO_DHCP_AGENT_URL = "http://127.0.0.1:9150"


def ensure_demo_registration(participant_login: str = "participant") -> list[str]:
    """Idempotent; returns one line per thing created, for the command's output."""
    created = []
    user = User.objects.get(username=participant_login)
    participant, made = Participant.objects.update_or_create(
        user=user, defaults={"name": user.get_full_name() or user.username, "affiliation": "WIDE",
                             "email": f"{user.username}@example.org",
                             "active_until": timezone.now() + timedelta(days=4)},
    )
    if made:
        created.append(f"participant {participant}")
    registration_vlans = Vlan.objects.filter(families__allocation=Allocation.DHCPV4_REGISTRATION).distinct()
    if not registration_vlans:
        return created
    node = GatewayNode.objects.filter(name=DEMO_DHCP_NODE).first()
    if node is None:
        node = GatewayNode(name=DEMO_DHCP_NODE, description="Kea for the DHCPv4-by-registration VLANs",
                           agent_url=DEMO_DHCP_AGENT_URL)
        node.issue_credentials()
        node.save()
        created.append(f"{node.name} {node.agent_url}")
    DhcpService.objects.update_or_create(
        node=node, defaults={"interfaces": {str(vlan.vid): f"eth0.{vlan.vid}" for vlan in registration_vlans}},
    )
    return created
