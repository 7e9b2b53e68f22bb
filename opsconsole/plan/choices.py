"""The plan's vocabularies: each value with its label and badge class, so every page shows a state the same way."""
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ChoiceSet:
    """NetBox-style choices: CHOICES holds (value, label, badge class) triples."""

    CHOICES: tuple[tuple[str, Promise, str], ...] = ()

    @classmethod
    def choices(cls) -> list[tuple[str, Promise]]:
        return [(value, label) for value, label, _badge in cls.CHOICES]

    @classmethod
    def values(cls) -> list[str]:
        return [value for value, _label, _badge in cls.CHOICES]

    @classmethod
    def label(cls, value: str) -> Promise | str:
        return next((label for v, label, _badge in cls.CHOICES if v == value), value)

    @classmethod
    def badge(cls, value: str) -> str:
        return next((badge for v, _label, badge in cls.CHOICES if v == value), "")


class Band(ChoiceSet):
    GHZ_2_4 = "2.4GHz"
    GHZ_5 = "5GHz"
    GHZ_6 = "6GHz"
    CHOICES = ((GHZ_2_4, _("2.4 GHz"), ""), (GHZ_5, _("5 GHz"), ""), (GHZ_6, _("6 GHz"), ""))


class Authentication(ChoiceSet):
    EAP_TLS = "wpa2-eap-tls"
    MAC = "mac-auth"
    PSK = "psk"
    OPEN = "open"
    CHOICES = (
        (EAP_TLS, _("WPA2 EAP-TLS"), "ok"),
        (MAC, _("MAC authentication"), "warn"),
        (PSK, _("PSK"), "warn"),
        (OPEN, _("open"), "bad"),
    )


class Family(ChoiceSet):
    IPV6 = "ipv6"
    IPV4 = "ipv4"
    CHOICES = ((IPV6, _("IPv6"), ""), (IPV4, _("IPv4"), ""))


class Scope(ChoiceSet):
    GLOBAL = "global"
    PRIVATE = "private"
    NONE = "none"
    CHOICES = ((GLOBAL, _("global"), "ok"), (PRIVATE, _("private"), "warn"), (NONE, _("none"), ""))


class Allocation(ChoiceSet):
    DHCPV6 = "dhcpv6"
    RA = "ra-slaac"
    DHCPV4_REGISTRATION = "dhcpv4-registration"
    DHCPV4_OPEN = "dhcpv4-open"
    # RFC 8925: open DHCPv4 whose offers carry option 108, so capable clients drop IPv4 and use their CLAT.
    DHCPV4_IPV6_MOSTLY = "dhcpv4-ipv6-mostly"
    NONE = "none"
    CHOICES = (
        (DHCPV6, _("DHCPv6"), "ok"),
        (RA, _("RA/SLAAC"), "ok"),
        (DHCPV4_REGISTRATION, _("DHCPv4 by MAC registration"), "warn"),
        (DHCPV4_OPEN, _("open DHCPv4"), "ok"),
        (DHCPV4_IPV6_MOSTLY, _("IPv6-mostly (open DHCPv4 with option 108)"), "ok"),
        (NONE, _("none"), ""),
    )
    IPV6_ONLY = (DHCPV6, RA)
    IPV4_ONLY = (DHCPV4_REGISTRATION, DHCPV4_OPEN, DHCPV4_IPV6_MOSTLY)


class Resolver(ChoiceSet):
    DNS64 = "dns64"
    PROXY = "proxy"
    PLAIN = "plain"
    NONE = "none"
    CHOICES = ((DNS64, _("DNS64"), "ok"), (PROXY, _("proxy resolver"), ""), (PLAIN, _("plain"), ""), (NONE, _("none"), ""))


class Transition(ChoiceSet):
    NAT64 = "nat64"
    SA46T = "sa46t"
    FOUR_RD = "4rd"
    MAP_E = "map-e"
    DS_LITE = "ds-lite"
    XLAT464 = "464xlat"
    NATIVE = "native"
    NONE = "none"
    CHOICES = (
        (NAT64, _("NAT64"), "warn"),
        (SA46T, _("SA46T"), "warn"),
        (FOUR_RD, _("4rd"), "warn"),
        (MAP_E, _("MAP-E"), "warn"),
        (DS_LITE, _("DS-Lite"), "warn"),
        (XLAT464, _("464XLAT"), "warn"),
        (NATIVE, _("native"), "ok"),
        (NONE, _("none"), ""),
    )
    # Techniques that carry IPv4 service to clients across an IPv6 network.
    IPV4_OVER_IPV6 = (SA46T, FOUR_RD, MAP_E, DS_LITE, XLAT464)


class PrefixPurpose(ChoiceSet):
    CLIENTS = "clients"
    INFRASTRUCTURE = "infrastructure"
    TRANSLATOR = "translator"
    CHOICES = (
        (CLIENTS, _("clients"), "ok"),
        (INFRASTRUCTURE, _("infrastructure"), ""),
        (TRANSLATOR, _("translator"), "warn"),
    )
