"""Jool 4.1 atomic-configuration JSON (`jool file handle` / `jool_siit file handle`) for roles.nat64."""

from __future__ import annotations

import json

from gateways.render.common import RenderedFile, header


def render_jool(intent: dict) -> list[RenderedFile]:
    nat64 = intent["roles"]["nat64"]
    comments = [line.removeprefix("# ") for line in header(intent, "nat64")]
    if nat64["member"]:
        comments.append(f"load sharing: member {nat64['member']['index']} of {nat64['member']['count']}")
    document: dict = {
        "comment": comments,
        "instance": nat64["instance"],
        "framework": "netfilter",
        "global": {"pool6": nat64["pool6"]},
    }
    if nat64["mode"] == "siit":
        document["eamt"] = [{"ipv6 prefix": m["ipv6"], "ipv4 prefix": m["ipv4"]} for m in nat64["mappings"]]
        path = "jool/jool_siit.json"
    else:
        document["pool4"] = [
            {"protocol": protocol.upper(), "prefix": entry["prefix"], "port range": "{}-{}".format(*entry["ports"])}
            for entry in nat64["pool4"] for protocol in entry["protocols"]
        ]
        path = "jool/jool.json"
    return [RenderedFile("jool", path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")]
