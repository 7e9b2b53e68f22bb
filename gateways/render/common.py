"""What every renderer shares: the rendered-file record and a safe one-line comment."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class RenderedFile:
    service: str
    path: str
    content: str
    mode: int = 0o644


def comment_text(free_text: str) -> str:
    """Free text as one line of printable ASCII: newlines, controls and non-ASCII become JSON escapes."""
    return json.dumps(free_text, ensure_ascii=True)[1:-1]


def header(intent: dict, role: str, marker: str = "#") -> list[str]:
    lines = [f"{marker} {role} of node {intent['node']}: rendered from intent schema {intent['schema']}; do not edit"]
    if intent["description"]:
        lines.append(f"{marker} {comment_text(intent['description'])}")
    return lines


def joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
