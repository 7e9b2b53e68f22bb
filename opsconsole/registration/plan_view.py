"""Which VLANs of the plan need a device registration, and the SSIDs that lead to each."""
from opsconsole.plan.choices import Allocation, Authentication, Family
from opsconsole.plan.models import Vlan


def registration_vlans() -> list[tuple[Vlan, list[str]]]:
    """VLANs with DHCPv4 by MAC registration or an SSID with MAC authentication, with their SSIDs."""
    vlans = Vlan.objects.prefetch_related("ssids", "families")
    needing = []
    for vlan in vlans:
        by_dhcp = any(f.family == Family.IPV4 and f.allocation == Allocation.DHCPV4_REGISTRATION for f in vlan.families.all())
        by_mac_auth = any(s.authentication == Authentication.MAC for s in vlan.ssids.all())
        if by_dhcp or by_mac_auth:
            needing.append((vlan, [s.essid for s in vlan.ssids.all()]))
    return needing
