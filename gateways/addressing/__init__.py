"""Address math for IPv6-only transition networks: the one source of truth for console and agents."""
from .clat import CLAT_IPV4_NETWORK, clat_ipv6, plat_ipv6
from .dslite import AFTR_IPV4, B4_IPV4, B4_IPV4_CHOICES, DSLITE_NETWORK, b4_ipv4
from .explain import BitField, explain_ce
from .fourrd import FOURRD_PSID_OFFSET, FOURRD_TAG, checksum_neutrality_preserver, fourrd_ipv4, fourrd_ipv6
from .mapping import (
    CeMapping,
    InterfaceIdFormat,
    MapRule,
    br_address,
    ce_for_ipv4_port,
    ce_mapping,
    ce_of_fourrd_address,
    ces_of_rule,
    destination_ce,
    forwarding_rule,
    map_rule,
    port_ranges,
)
from .parse import AddressingError
from .rfc6052 import ALLOWED_PREFIX_LENGTHS, WELL_KNOWN_PREFIX, embed_ipv4, extract_ipv4, nat64_prefix
from .sa46t import Sa46tAddress, parse_sa46t_address, sa46t_address

__all__ = [
    "AFTR_IPV4",
    "ALLOWED_PREFIX_LENGTHS",
    "B4_IPV4",
    "B4_IPV4_CHOICES",
    "CLAT_IPV4_NETWORK",
    "DSLITE_NETWORK",
    "FOURRD_PSID_OFFSET",
    "FOURRD_TAG",
    "WELL_KNOWN_PREFIX",
    "AddressingError",
    "BitField",
    "CeMapping",
    "InterfaceIdFormat",
    "MapRule",
    "Sa46tAddress",
    "b4_ipv4",
    "br_address",
    "ce_for_ipv4_port",
    "ce_mapping",
    "ce_of_fourrd_address",
    "checksum_neutrality_preserver",
    "ces_of_rule",
    "clat_ipv6",
    "destination_ce",
    "embed_ipv4",
    "explain_ce",
    "extract_ipv4",
    "forwarding_rule",
    "fourrd_ipv4",
    "fourrd_ipv6",
    "map_rule",
    "nat64_prefix",
    "parse_sa46t_address",
    "plat_ipv6",
    "port_ranges",
    "sa46t_address",
]
