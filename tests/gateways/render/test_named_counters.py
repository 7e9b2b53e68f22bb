"""Each tunnel and NAT44 ruleset carries named counters of what crosses its tunnels, which the agent reports;
`nft -c -f` still accepts every file."""

import pytest

from tests.gateways.render.conftest import (
    by_path, intent, render_and_check, shownet_dslite_aftr, shownet_dslite_b4, shownet_map_ce, wide_sa46t,
    wide_tayga_nat64,
)


@pytest.mark.parametrize("roles, path, counter, interfaces", [
    ({"sa46t": wide_sa46t()}, "nftables/sa46t.nft", "sa46t", '{ "sa46t0", "sa46t1" }'),
    ({"dslite": shownet_dslite_b4()}, "nftables/dslite.nft", "dslite", '{ "dslite0" }'),
    ({"dslite": shownet_dslite_aftr()}, "nftables/dslite.nft", "dslite", '{ "dslite0" }'),
    ({"map": shownet_map_ce()}, "nftables/map.nft", "map", '{ "map0" }'),
    ({"nat64": wide_tayga_nat64()}, "nftables/tayga.nft", "nat64",
     '"nat64"'),
])  # fmt: skip
def test_rulesets_carry_named_counters_in_and_out(roles, path, counter, interfaces):
    files, results = render_and_check(intent(roles))
    assert all(result.ok for result in results), [result.message for result in results if not result.ok]
    ruleset = by_path(files)[path]
    for direction, match in (("in", "iifname"), ("out", "oifname")):
        assert f"    counter {counter}_{direction} {{ }}\n" in ruleset
        assert f'{match} {interfaces} counter name "{counter}_{direction}"' in ruleset
