"""The radius role of a RADIUS node's intent, and the secrets that role needs (which never enter the intent)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import connection

from .models import Nas, RadiusService


def roles_for(node) -> dict:
    service = RadiusService.objects.filter(node=node).first()
    return {"radius": radius_role(service)} if service else {}


def radius_nodes() -> list[int]:
    return list(RadiusService.objects.values_list("node_id", flat=True))


def database_connection(host: str = "") -> dict:
    """The radius role's database: the one the console uses now, reached at HOST if given."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        # The embedded default: FreeRADIUS on the console's own machine opens the same file.
        return {"dialect": "sqlite", "sqlite_file": str(Path(settings["NAME"]).resolve())}
    return {"dialect": "postgresql", "host": host or settings["HOST"] or "localhost",
            "port": int(settings["PORT"] or 5432), "name": settings["NAME"], "user": settings["USER"]}


def secrets_version(nases: list[Nas]) -> str:
    """Changes whenever a NAS secret is set (each encryption differs), so the intent changes and the agent refetches."""
    digest = hashlib.sha256()
    for nas in nases:
        digest.update(f"{nas.pk}:{nas.secret_encrypted}\n".encode())
    return digest.hexdigest()


def radius_role(service: RadiusService) -> dict:
    nases = list(Nas.objects.order_by("pk"))
    return {
        "listen": service.listen,
        "auth_port": service.auth_port,
        "database": database_connection(service.database_host),
        "clients": [{"id": nas.pk, "name": nas.name, "address": nas.address} for nas in nases],
        "secrets_version": secrets_version(nases),
    }


def radius_secrets(node) -> dict:
    """What the node's agent writes to its secrets file: NAS secrets by id and the database password."""
    if not RadiusService.objects.filter(node=node).exists():
        return {}
    return {"radius": {
        "nas": {str(nas.pk): nas.secret for nas in Nas.objects.order_by("pk")},
        "database_password": connection.settings_dict.get("PASSWORD") or "",
    }}
