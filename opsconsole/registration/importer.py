"""Bulk import of participants and devices from CSV: every row checked by the models, nothing written if any row is bad."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from opsconsole.plan.models import Vlan

from .models import Device, Participant, Source, registrable_vlans

COLUMNS = ("name", "affiliation", "email", "active_until", "mac", "label", "os", "vlans")
REQUIRED = ("name", "active_until")


class _RollBack(Exception):
    """Leaves the import's transaction without writing anything."""


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    participants: int = 0
    devices: int = 0


def _when(text: str) -> datetime:
    parsed = parse_datetime(text.strip()) or parse_datetime(text.strip() + "T23:59:59")
    if parsed is None:
        raise ValidationError(_("“%(value)s” is not a date and time such as 2026-09-30 18:00."), params={"value": text})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _vlans(text: str) -> list[Vlan]:
    wanted = [word for word in text.replace(",", " ").split() if word]
    found = {str(vlan.vid): vlan for vlan in Vlan.objects.filter(vid__in=[w for w in wanted if w.isdigit()])}
    missing = [word for word in wanted if word not in found]
    if missing:
        raise ValidationError(_("VLAN %(vid)s is not in the plan."), params={"vid": missing[0]})
    registrable = set(registrable_vlans().filter(pk__in=[vlan.pk for vlan in found.values()]))
    for word in wanted:
        if found[word] not in registrable:
            raise ValidationError(_("VLAN %(vid)s takes no registrations: it has neither DHCPv4 by registration nor "
                                    "a MAC-authenticated SSID."), params={"vid": word})
    return [found[word] for word in wanted]


def _messages(error: ValidationError, default_field: str) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(default_field if name == NON_FIELD_ERRORS else name, message)
                for name, errors in error.message_dict.items() for message in errors]
    return [(default_field, message) for message in error.messages]


def _import_row(row: dict, participants: dict[str, Participant], by) -> tuple[bool, bool]:
    """Create the row's participant (once per e-mail) and device; returns (new participant, new device)."""
    missing = [column for column in REQUIRED if not (row.get(column) or "").strip()]
    if missing:
        raise ValidationError({missing[0]: _("is empty; every row needs it.")})
    key = (row.get("email") or row["name"]).strip().lower()
    participant, new_participant = participants.get(key), False
    if participant is None:
        try:
            until = _when(row["active_until"])
        except ValidationError as error:
            raise ValidationError({"active_until": error.messages}) from None
        participant = Participant(name=row["name"].strip(), affiliation=(row.get("affiliation") or "").strip(),
                                  email=(row.get("email") or "").strip(), active_until=until)
        participant.full_clean()
        participant.save()
        participants[key], new_participant = participant, True
    if not (row.get("mac") or "").strip():
        return new_participant, False
    device = Device(participant=participant, mac=row["mac"], label=(row.get("label") or "").strip(),
                    os=(row.get("os") or "other").strip().lower(), source=Source.IMPORT, registered_by=by)
    try:
        vlans = _vlans(row.get("vlans") or "")
    except ValidationError as error:
        raise ValidationError({"vlans": error.messages}) from None
    device.full_clean(exclude=["vlans"])
    device.save()
    device.vlans.set(vlans)
    return new_participant, True


def import_csv(text: str, by, commit: bool) -> ImportResult:
    """Check every row by really importing it inside one transaction; keep it only if `commit` and no row is bad."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text))
    unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
    if not reader.fieldnames or unknown or not set(REQUIRED) <= set(reader.fieldnames):
        result.errors.append(_("row 1: the header must name the columns %(columns)s (unknown: %(unknown)s).") % {
            "columns": ", ".join(COLUMNS), "unknown": ", ".join(unknown) or "-"})
        return result
    participants: dict[str, Participant] = {}
    try:
        with transaction.atomic():
            for number, row in enumerate(reader, start=2):  # row 1 is the header, as a spreadsheet counts
                result.rows.append({"number": number, **{column: row.get(column) or "" for column in COLUMNS}})
                try:
                    with transaction.atomic():
                        new_participant, new_device = _import_row(row, participants, by)
                except ValidationError as error:
                    result.errors += [f"row {number}, {name}: {message}" for name, message in _messages(error, "row")]
                    continue
                result.participants += new_participant
                result.devices += new_device
            if result.errors or not commit:
                raise _RollBack
    except _RollBack:
        pass
    return result
