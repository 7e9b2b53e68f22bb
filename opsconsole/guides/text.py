"""A guide's body is plain text, never HTML: blank lines separate paragraphs, lines starting with "$ " are commands."""

COMMAND = "$ "
RESOLVER = "{dns64_resolver}"


def blocks(text: str, resolver: str) -> list[tuple[str, str]]:
    """("paragraph" | "commands", text) in order, with RESOLVER replaced; the template escapes every piece."""
    out: list[tuple[str, str]] = []
    for chunk in text.replace("\r\n", "\n").replace(RESOLVER, resolver).split("\n\n"):
        lines = [line for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(COMMAND) for line in lines):
            out.append(("commands", "\n".join(line[len(COMMAND):] for line in lines)))
        else:
            out.append(("paragraph", "\n".join(lines)))
    return out
