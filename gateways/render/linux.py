"""Linux building blocks shared by the tunnel roles: a `set -eu` iproute2 script and an nftables table."""

from __future__ import annotations

import ipaddress

from gateways.render.common import header, joined

Chains = dict[str, tuple[str, str, str, list[str]]]  # chain name -> (type, hook, priority, rules)


def shell_script(intent: dict, role: str, commands: list[str], interfaces: list[str] = (),
                 teardown: list[str] = ()) -> str:
    """A bash script; `# interfaces:` names the host interfaces it expects (the checker fakes them).

    Run with `down`, it runs TEARDOWN instead: the agent does so when the script goes away, to undo what it
    set up. Each teardown step may find its object already gone."""
    lines = ["#!/bin/bash", *header(intent, role)]
    if interfaces:
        lines.append("# interfaces: " + " ".join(interfaces))
    lines.append("set -eu")
    if teardown:
        lines += ['if [ "${1:-}" = down ]; then', *(f"    {step} 2>/dev/null || true" for step in teardown),
                  "    exit 0", "fi"]
    lines += commands
    return joined(lines)


def nft_table(intent: dict, role: str, table: str, chains: Chains, family: str = "ip",
              counted: tuple[str, str] | None = None) -> str:
    """A whole table, flushed first, so loading the file again replaces the rules instead of adding to them.

    COUNTED, (counter name, interface set), adds the named counters NAME_in and NAME_out of what enters and leaves
    through those interfaces, forwarded or the node's own, which the agent reports with its heartbeat."""
    lines = header(intent, role) + [f"table {family} {table}", f"flush table {family} {table}", f"table {family} {table} {{"]
    if counted:
        name, interfaces = counted
        lines += [f"    counter {name}_in {{ }}", f"    counter {name}_out {{ }}"]
        chains = {**chains,
                  "count_in": ("filter", "prerouting", "filter", [f'iifname {interfaces} counter name "{name}_in"']),
                  "count_out": ("filter", "postrouting", "filter", [f'oifname {interfaces} counter name "{name}_out"'])}
    for name, (kind, hook, priority, rules) in chains.items():
        lines += [
            f"    chain {name} {{",
            f"        type {kind} hook {hook} priority {priority}; policy accept;",
            *(f"        {rule}" for rule in rules),
            "    }",
        ]
    lines.append("}")
    return joined(lines)


def address_range(prefix: str) -> str:
    """An IPv4 prefix as the FIRST-LAST range nft's snat takes."""
    network = ipaddress.IPv4Network(prefix)
    return f"{network.network_address}-{network.broadcast_address}"
