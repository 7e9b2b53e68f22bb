"""FreeRADIUS run off-node on a rendered radius role, in one directory: the tests' servers and `make run`'s demo.

The same files as on a RADIUS node (the rendered tree over Debian's layout, the secrets file, the eap module's TLS
files), laid out by the same functions the agent uses; only the paths differ, all under one directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from gateways.node_secrets import write_radius_secrets
from gateways.render.freeradius import overlay_debian_layout, render_freeradius


def local_paths(directory: Path) -> dict[str, Any]:
    """The radius role's paths and process settings for a server under DIRECTORY, run as the current user."""
    return {"config_dir": str(directory / "raddb"), "log_dir": str(directory), "run_dir": str(directory),
            "run_as": "root", "reject_delay": 0, "secrets_file": str(directory / "secrets.conf"),
            "tls_dir": str(directory / "tls")}


def prepare(intent: dict, secrets: dict | None) -> Path:
    """The role's configuration directory, ready for `freeradius -f -d`. SECRETS is what the console's secrets API
    gives the node for its radius role; without, stand-ins (and Debian's self-signed certificate)."""
    role = intent["roles"]["radius"]
    with tempfile.TemporaryDirectory(prefix="freeradius-rendered-") as rendered:
        for file in render_freeradius(intent):
            target = Path(rendered) / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.content)
        if secrets is None:
            overlay_debian_layout(Path(rendered) / "freeradius", Path(role["config_dir"]))
        else:
            write_radius_secrets(role, secrets, Path)
            overlay_debian_layout(Path(rendered) / "freeradius", Path(role["config_dir"]), Path(role["secrets_file"]),
                                  Path(role["tls_dir"]))
    return Path(role["config_dir"])
