"""How a trail entry reads to a person: the kind of thing that changed in its own words, each change as
"field: before → after"."""
import json
from functools import cache

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

EMPTY = "—"
SECRET = "(secret)"
# A renewed secret must still read as a change, or a save that only renews it would not be recorded at all.
RENEWED_SECRET = "(new secret)"
PLACEHOLDERS = (SECRET, RENEWED_SECRET)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None  # not a model: a whole-plan import is recorded as "plan.Plan"


def kind_name(object_type: str) -> str:
    """ "registration.Device" -> "Device", in the reader's language."""
    model = _model(object_type)
    return capfirst(model._meta.verbose_name) if model else object_type.rpartition(".")[2]


@cache
def _fields(object_type: str) -> dict[str, models.Field]:
    model = _model(object_type)
    return {field.attname: field for field in model._meta.concrete_fields} if model else {}


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _shown(field: models.Field | None, value) -> str:
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(field, models.DateTimeField) and (moment := parse_datetime(str(value))):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")
    labels = dict(field.flatchoices) if field is not None and field.choices else {}
    if isinstance(value, (str, int)):
        return str(labels.get(value, value))
    if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return json.dumps(value, ensure_ascii=False)


def _derived(field: models.Field, old, new) -> bool:
    """The primary key (the entry names its object already) and bookkeeping no person edits, such as a search
    index; a secret's renewal is always shown."""
    return field.primary_key or (not field.editable and old not in PLACEHOLDERS and new not in PLACEHOLDERS)


def change_lines(object_type: str, before: dict | None, after: dict | None, changed: list[str]) -> list[str]:
    """One line per changed field: "field: old → new" for a change, "field: value" for what was created or deleted."""
    fields = _fields(object_type)
    order = {key: position for position, key in enumerate(fields)}
    lines = []
    for key in sorted(changed, key=lambda key: (order.get(key, len(order)), key)):
        field = fields.get(key)
        if field is not None and _derived(field, (before or {}).get(key), (after or {}).get(key)):
            continue
        name = str(field.verbose_name) if field is not None else key
        old, new = _shown(field, (before or {}).get(key)), _shown(field, (after or {}).get(key))
        if before is None:
            lines.append(f"{name}: {new}")
        elif after is None:
            lines.append(f"{name}: {old}")
        else:
            lines.append(f"{name}: {old} → {new}")
    return lines
