"""A WIDE-camp-like plan slice (a registration VLAN with its hidden MAC-auth SSID) and a participant."""
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.plan.choices import Allocation, Authentication, Family, PrefixPurpose, Resolver, Scope, Transition
from opsconsole.plan.models import Prefix, Ssid, Vlan, VlanFamily
from opsconsole.registration.models import Participant


@pytest.fixture
def nowep_vlan(db) -> Vlan:
    vlan = Vlan.objects.create(vid=40, name="nowep", purpose="backup for forgotten certificates")
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV4, scope=Scope.GLOBAL, allocation=Allocation.DHCPV4_REGISTRATION,
                              resolver=Resolver.PLAIN, transition=Transition.SA46T)
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV6, scope=Scope.GLOBAL, allocation=Allocation.DHCPV6,
                              resolver=Resolver.DNS64, transition=Transition.NAT64)
    Prefix.objects.create(vlan=vlan, network="192.0.2.0/24", purpose=PrefixPurpose.CLIENTS)
    Prefix.objects.create(vlan=vlan, network="2001:db8:40::/64", purpose=PrefixPurpose.CLIENTS)
    Ssid.objects.create(essid="widecamp-nowep", hidden=True, bands=["5GHz"], authentication=Authentication.MAC, vlan=vlan)
    return vlan


def make_participant(name: str = "Carol Example", email: str = "carol@example.org", user=None, days: int = 3) -> Participant:
    return Participant.objects.create(name=name, affiliation="WIDE", email=email, user=user,
                                      active_until=timezone.now() + timedelta(days=days))


@pytest.fixture
def participant(db, participant_user) -> Participant:
    return make_participant(user=participant_user)


@pytest.fixture
def other(db, other_participant) -> Participant:
    return make_participant("Dave Other", "dave@example.org", user=other_participant)
