"""The radius role of a RADIUS node's intent, and the secrets that role needs (which never enter the intent)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

from opsconsole.certificates.issuing import radius_tls_files

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
            "port": int(settings["PORT"] or 5432), "name": settings["NAME"],
            "user": django_settings.RADIUS_DATABASE_USER or settings["USER"]}


def database_password() -> str:
    if django_settings.RADIUS_DATABASE_USER:
        return django_settings.RADIUS_DATABASE_PASSWORD
    return connection.settings_dict.get("PASSWORD") or ""


def tls_files() -> dict[str, str]:
    """The eap module's files: public ones (certificates, the CRL) travel with the key so that the agent writes a
    matching set at once, and a revocation or the daily CRL changes no revision content but this digest."""
    return {name: content.decode() for name, content in radius_tls_files().items()}


def secrets_version(nases: list[Nas], tls: dict[str, str]) -> str:
    """Changes whenever a NAS secret is set (each encryption differs) or a TLS file changes (a revocation, the day's
    CRL, a renewed server certificate), so the intent changes and the agent refetches and restarts FreeRADIUS."""
    digest = hashlib.sha256()
    for nas in nases:
        digest.update(f"{nas.pk}:{nas.secret_encrypted}\n".encode())
    for name, content in sorted(tls.items()):
        digest.update(f"{name}:{content}\n".encode())
    return digest.hexdigest()


def radius_role(service: RadiusService) -> dict:
    nases = list(Nas.objects.order_by("pk"))
    return {
        "listen": service.listen,
        "auth_port": service.auth_port,
        "database": database_connection(service.database_host),
        "clients": [{"id": nas.pk, "name": nas.name, "address": nas.address} for nas in nases],
        "secrets_version": secrets_version(nases, tls_files()),
    }


def role_secrets() -> dict:
    """What a RADIUS node's agent writes beside its configuration: NAS secrets by id, the database password, and
    the eap module's files (the server's private key among them)."""
    return {
        "nas": {str(nas.pk): nas.secret for nas in Nas.objects.order_by("pk")},
        "database_password": database_password(),
        "tls": tls_files(),
    }


def radius_secrets(node) -> dict:
    """The secrets API's answer for NODE's radius role: nothing unless the node is a RADIUS node."""
    if not RadiusService.objects.filter(node=node).exists():
        return {}
    return {"radius": role_secrets()}
