"""The self-test's verdict in plain words, in the reader's language."""
from django.utils.translation import gettext_lazy as _

from . import verdict as v

CONNECTIVITY = {
    v.IPV6_AND_IPV4: _("You have IPv6, and IPv4 as well: either a real IPv4 address or IPv4 carried over IPv6 "
                       "(a CLAT, SA46T or 4rd)."),
    v.IPV6_WITH_NAT64: _("You have IPv6 only. IPv4-only services reach you through DNS64 and NAT64, which "
                         "is how this network is meant to work."),
    v.IPV6_WITHOUT_DNS64: _("You have IPv6, but your device does not use the network's DNS64 resolver, so "
                            "IPv4-only services are out of reach."),
    v.IPV4_ONLY: _("You have IPv4 only: IPv6 does not work from this device."),
    v.NO_CONNECTION: _("Nothing could be reached: this device has no working connection to the network."),
}
IPV4 = {
    v.IPV4_DIRECT: _("IPv4 addresses typed as numbers work."),
    v.IPV4_NAT64: _("IPv4 addresses typed as numbers do not work; names of IPv4 services do (through NAT64)."),
    v.IPV4_NONE: _("IPv4 services cannot be reached."),
}
LARGE = {
    v.LARGE_OK: _("Large packets get through."),
    v.LARGE_BLOCKED: _("Large packets do not get through (an MTU black hole): small pages load, large ones hang."),
    v.LARGE_UNKNOWN: _("Whether large packets get through could not be tested."),
}
ADVICE = {
    v.ADVICE_ASK_HELPDESK: _("Check that you joined one of the event's networks; if so, report the trouble or "
                             "come to the helpdesk."),
    v.ADVICE_JOIN_IPV6: _("Join the event's IPv6 network, and check that IPv6 is turned on in your device's "
                          "network settings (see the setup guide for your system)."),
    v.ADVICE_SET_DNS64: _("Set the DNS64 resolver by hand: your system may not support DHCPv6 (see the setup "
                          "guide for your system)."),
    v.ADVICE_TURN_OFF_IPV4: _("If connecting takes a minute or two, turn IPv4 off on this network (or let your "
                              "system use option 108): it stops waiting for IPv4 that never comes."),
    v.ADVICE_USE_NAMES: _("Write servers by name, not as IPv4 numbers, in your mail, SSH and other settings: "
                          "numbers cannot go through NAT64."),
    v.ADVICE_IPV4_NETWORK_FOR_VPN: _("A VPN (IPsec, PPTP) or messenger that needs IPv4 works only on the "
                                     "network with IPv4 (SA46T or 4rd); register this device for it."),
    v.ADVICE_DUAL_STACK_SLOW: _("A name with both IPv6 and IPv4 addresses failed: your system may be waiting on "
                                "IPv4; turning IPv4 off for this network helps."),
    v.ADVICE_REPORT_MTU: _("Report this with the trouble form, naming the network (SSID) you are on: the NOC "
                           "can find where large packets are lost."),
}


def in_words(verdict: v.Verdict) -> dict:
    return {"connectivity": CONNECTIVITY[verdict.connectivity], "ipv6": verdict.ipv6, "ipv4": IPV4[verdict.ipv4],
            "large_packets": LARGE[verdict.large_packets], "advice": [ADVICE[code] for code in verdict.advice]}
PROBES = {
    "ipv6": _("A name with only an IPv6 address"),
    "ipv4": _("A name with only an IPv4 address"),
    "dual_stack": _("A name with both IPv6 and IPv4 addresses"),
    "dns64": _("A name only DNS64 can reach"),
    "ipv4_literal": _("An IPv4 address written as numbers"),
    "large": _("A large download (large packets)"),
}
