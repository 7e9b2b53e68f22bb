"""Bulk import of participants and devices from CSV: every row checked by the models, nothing written if any row is bad."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsconsole.plan.models import Vlan

from .models import Device, Participant, Source, mac_taken_error, registrable_vlans

COLUMNS = ("name", "affiliation", "email", "active_until", "mac", "label", "os", "vlans")
REQUIRED = ("name", "active_until")
MAX_BYTES = 1024 * 1024
# What spreadsheets save as CSV: UTF-8 (Excel's "CSV UTF-8" adds a BOM) and, from Japanese Excel, Shift_JIS as CP932.
ENCODINGS = ("utf-8-sig", "cp932")
TOO_LARGE = gettext_lazy("The file is larger than 1 MB; split it into smaller files.")


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file, or a ValidationError saying which byte no known encoding reads."""
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    furthest = 0
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            skipped_bom = len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
            # The encoding that read furthest is the likelier one, so its stumbling block is the useful one to name.
            furthest = max(furthest, error.start + skipped_bom)
    raise ValidationError(
        _("The file is neither UTF-8 nor Shift_JIS (CP932): the byte at offset %(offset)s cannot be read. Save it from "
          "your spreadsheet as “CSV UTF-8”."), code="encoding", params={"offset": furthest})


class _RollBack(Exception):
    """Leaves the import's transaction without writing anything."""


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    participants: int = 0
    devices: int = 0


def _when(text: str) -> datetime:
    """A date and time in the event's time zone unless it names another; a date alone means the end of that day."""
    text = text.strip()
    try:
        day = parse_date(text)
        parsed = datetime.combine(day, time(23, 59, 59)) if day else parse_datetime(text)
    except ValueError:  # well formed but impossible, such as 2026-02-30
        parsed = None
    if parsed is None:
        raise ValidationError(_("“%(value)s” is not a date and time such as 2026-09-30 18:00."), params={"value": text})
    return timezone.make_aware(parsed, ZoneInfo(settings.TIME_ZONE)) if timezone.is_naive(parsed) else parsed


def _vlans(text: str) -> list[Vlan]:
    """The VLANs a row names; none named means every VLAN that needs a registration, as in the forms."""
    wanted = [word for word in text.replace(",", " ").split() if word]
    if not wanted:
        return list(registrable_vlans())
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


def participant_key(row: dict) -> str:
    """Rows with the same e-mail (or, without one, the same name) are one participant."""
    return (row.get("email") or row["name"]).strip().lower()


def _import_row(row: dict, participants: dict[str, Participant], by) -> tuple[Participant | None, bool, bool]:
    """Create the row's participant (once per e-mail) and device; returns (participant, new participant, new device)."""
    missing = [column for column in REQUIRED if not (row.get(column) or "").strip()]
    if missing:
        raise ValidationError({missing[0]: _("is empty; every row needs it.")})
    participant, new_participant = participants.get(participant_key(row)), False
    if participant is None:
        try:
            until = _when(row["active_until"])
        except ValidationError as error:
            raise ValidationError({"active_until": error.messages}) from None
        participant = Participant(name=row["name"].strip(), affiliation=(row.get("affiliation") or "").strip(),
                                  email=(row.get("email") or "").strip(), active_until=until)
        participant.full_clean()
        participant.save()
        new_participant = True
    if not (row.get("mac") or "").strip():
        return participant, new_participant, False
    device = Device(participant=participant, mac=row["mac"], label=(row.get("label") or "").strip(),
                    os=(row.get("os") or "other").strip().lower(), source=Source.IMPORT, registered_by=by)
    try:
        vlans = _vlans(row.get("vlans") or "")
    except ValidationError as error:
        raise ValidationError({"vlans": error.messages}) from None
    device.full_clean(exclude=["vlans"])
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:  # registered elsewhere since full_clean looked
        raise ValidationError({"mac": mac_taken_error(device.mac)}) from None
    device.vlans.set(vlans)
    return participant, new_participant, True


@dataclass
class ParsedRow:
    number: int
    values: dict[str, str]
    error: str = ""


def parse_csv(text: str) -> tuple[list[ParsedRow], str]:
    """Every record of the file, each with its CSV-level problem if any, and the header's problem: read before the
    import's transaction begins, so a large file never holds the database's write lock while it is parsed."""
    # newline="" lets the reader see every line ending (CR-only from old Macs too) and newlines inside quoted fields.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
    except csv.Error:
        header = None
    unknown = sorted(set(header or ()) - set(COLUMNS))
    if not header or unknown or not set(REQUIRED) <= set(header):
        return [], _("row 1: the header must name the columns %(columns)s (unknown: %(unknown)s).") % {
            "columns": ", ".join(COLUMNS), "unknown": ", ".join(unknown) or "-"}
    rows = []
    number = 1  # the header, as a spreadsheet counts
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return rows, ""
        except csv.Error:  # with the excel dialect and every line ending accepted, only an overlong field
            limit = csv.field_size_limit()
            rows.append(ParsedRow(number, {}, _("a field is longer than %(limit)s characters.") % {"limit": limit}))
            continue
        values = {column: record.get(column) or "" for column in COLUMNS}
        if any("\x00" in value for value in record.values() if isinstance(value, str)):
            rows.append(ParsedRow(number, values, _("a field holds a NUL character (byte 0), which no field may contain.")))
        else:
            rows.append(ParsedRow(number, values))


def import_csv(text: str, by, commit: bool) -> ImportResult:
    """Check every row by really importing it inside one transaction; keep it only if `commit` and no row is bad."""
    result = ImportResult()
    rows, header_error = parse_csv(text)
    if header_error:
        result.errors.append(header_error)
        return result
    participants: dict[str, Participant] = {}
    try:
        with transaction.atomic():
            for row in rows:
                result.rows.append({"number": row.number, **row.values})
                if row.error:
                    result.errors.append(f"row {row.number}: {row.error}")
                    continue
                try:
                    with transaction.atomic():
                        participant, new_participant, new_device = _import_row(row.values, participants, by)
                except ValidationError as error:
                    result.errors += [f"row {row.number}, {name}: {message}" for name, message in _messages(error, "row")]
                    continue
                # Only once its row is in: a participant rolled back with a bad row must not be reused by the next.
                participants[participant_key(row.values)] = participant
                result.participants += new_participant
                result.devices += new_device
            if result.errors or not commit:
                raise _RollBack
    except _RollBack:
        pass
    return result
