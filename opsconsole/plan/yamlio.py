"""The whole plan as YAML: a stable export, and an import that checks everything before it changes anything."""
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record

from .choices import Family, Scope
from .models import Prefix, Ssid, Vlan, VlanFamily
from .validators import IPNetwork, overlap_errors

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_PLANS = ("wide-camp-2011", "interop-shownet-2013")
FAMILIES = (Family.IPV6, Family.IPV4)
FAMILY_FIELDS = ("scope", "allocation", "resolver", "transition")
# Written only on rows that have it (IPv6-mostly), so plans without it keep their exact text.
OPTIONAL_FAMILY_FIELDS = ("v6only_wait",)
NO_FAMILY = dict.fromkeys(FAMILY_FIELDS, "none")
# Per list: its keys in export order, and the optional ones with their defaults.
SHAPES: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {
    "vlans": (("vid", "name", "purpose", "ipv6", "ipv4"), {"purpose": ""}),
    "ssids": (("essid", "hidden", "authentication", "wifi_password", "bands", "vlan"), {"hidden": False, "wifi_password": False}),
    "prefixes": (("network", "vlan", "purpose", "description"), {"description": ""}),
}


class _Inline(dict):
    """A small mapping written on one line: a VLAN's family row."""


class _InlineList(list):
    """A short list written on one line: an SSID's bands."""


class _PlanDumper(yaml.SafeDumper):
    pass


_PlanDumper.add_representer(_Inline, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_PlanDumper.add_representer(_InlineList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def demo_plan(name: str) -> str:
    return (DEMO_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def _family_row(row: VlanFamily) -> _Inline:
    values = [(f, getattr(row, f)) for f in FAMILY_FIELDS]
    return _Inline(values + [(f, getattr(row, f)) for f in OPTIONAL_FAMILY_FIELDS if getattr(row, f) is not None])


def plan_data() -> dict[str, list[dict]]:
    vlans = []
    for vlan in Vlan.objects.prefetch_related("families"):
        families = {row.family: _family_row(row) for row in vlan.families.all()}
        entry = {"vid": vlan.vid, "name": vlan.name, "purpose": vlan.purpose}
        vlans.append(entry | {family: families.get(family, _Inline(NO_FAMILY)) for family in FAMILIES})
    # wifi_password is written only where it is on, so plans without it keep their exact text.
    ssids = [
        {"essid": s.essid, "hidden": s.hidden, "authentication": s.authentication,
         **({"wifi_password": True} if s.wifi_password else {}), "bands": _InlineList(s.bands), "vlan": s.vlan.name}
        for s in Ssid.objects.select_related("vlan")
    ]
    prefixes = []
    for p in sorted(Prefix.objects.select_related("vlan"), key=lambda prefix: prefix.sort_key):
        entry = {"network": p.network, "vlan": p.vlan.name, "purpose": p.purpose}
        prefixes.append(entry | ({"description": p.description} if p.description else {}))
    return {"vlans": vlans, "ssids": ssids, "prefixes": prefixes}


def export_plan() -> str:
    return yaml.dump(plan_data(), Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=1000)


class PlanErrors(Exception):
    """Everything wrong with a plan file, each line starting with its place such as `vlans[2].vid`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    deleted: int = 0


@dataclass
class ImportSummary:
    vlans: Counts = field(default_factory=Counts)
    ssids: Counts = field(default_factory=Counts)
    prefixes: Counts = field(default_factory=Counts)

    def __str__(self) -> str:
        return "; ".join(
            _("%(kind)s: %(created)s created, %(changed)s changed, %(deleted)s deleted")
            % {"kind": kind, "created": c.created, "changed": c.changed, "deleted": c.deleted}
            for kind, c in ((_("VLANs"), self.vlans), (_("SSIDs"), self.ssids), (_("prefixes"), self.prefixes))
        )


@dataclass
class CheckedPlan:
    """Validated, unsaved rows; references still by VLAN name."""

    vlans: list[tuple[Vlan, list[VlanFamily]]] = field(default_factory=list)
    ssids: list[tuple[Ssid, str]] = field(default_factory=list)
    prefixes: list[tuple[Prefix, str]] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: set[str] = set()

    def add(self, place: str, message: str) -> None:
        self.lines.append(f"{place}: {message}")
        self.places.add(place)

    def check(self, place: str, row: models.Model, exclude: list[str]) -> None:
        """Run the model's own validation on `row`; uniqueness and overlaps are checked over the file instead."""
        try:
            row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add(place if name == NON_FIELD_ERRORS else f"{place}.{name}", message)

    def refuse_repeats(self, rows: list[tuple[str, models.Model]], name: str) -> None:
        seen = set()
        for place, row in rows:
            value = getattr(row, name)
            if f"{place}.{name}" in self.places:
                continue
            if value in seen:
                self.add(f"{place}.{name}", row.unique_error_message(type(row), (name,)).messages[0])
            seen.add(value)


def _load_yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = _("line %(line)s") % {"line": mark.line + 1} if mark else _("file")
        raise PlanErrors([_("%(place)s: YAML syntax error: %(problem)s") % {"place": place, "problem": error.problem or error.context}]) from None
    except yaml.YAMLError as error:
        raise PlanErrors([_("file: YAML error: %(error)s") % {"error": error}]) from None
    if not isinstance(data, dict):
        raise PlanErrors([_("file: a plan is a mapping with the lists vlans, ssids and prefixes")])
    return data


def _entries(data: dict, key: str, problems: _Problems) -> list[tuple[str, dict]]:
    """The entries of one list with defaults filled in; structural problems go to `problems`."""
    keys, defaults = SHAPES[key]
    if key not in data:
        problems.add(key, _("missing; write an empty list [] to have none"))
        return []
    if not isinstance(data[key], list):
        problems.add(key, _("must be a list"))
        return []
    entries = []
    for index, entry in enumerate(data[key]):
        place = f"{key}[{index}]"
        if not isinstance(entry, dict):
            problems.add(place, _("must be a mapping with %(keys)s") % {"keys": ", ".join(keys)})
            continue
        for name in entry.keys() - set(keys):
            problems.add(f"{place}.{name}", _("unknown key; expected one of %(keys)s") % {"keys": ", ".join(keys)})
        for name in [k for k in keys if k not in entry and k not in defaults]:
            problems.add(f"{place}.{name}", _("missing"))
        entries.append((place, defaults | {k: v for k, v in entry.items() if k in keys}))
    return entries


def _families(place: str, entry: dict, problems: _Problems) -> list[VlanFamily]:
    rows = []
    for family in FAMILIES:
        values = entry.get(family)
        if family not in entry:
            continue  # already reported as missing
        if not isinstance(values, dict) or not set(FAMILY_FIELDS) <= values.keys() <= {*FAMILY_FIELDS, *OPTIONAL_FAMILY_FIELDS}:
            problems.add(f"{place}.{family}", _("must be a mapping with exactly %(keys)s, and optionally %(optional)s")
                         % {"keys": ", ".join(FAMILY_FIELDS), "optional": ", ".join(OPTIONAL_FAMILY_FIELDS)})
            continue
        row = VlanFamily(family=family, **values)
        if family == Family.IPV4 and rows:
            row.ipv6_row = rows[0]
        problems.check(f"{place}.{family}", row, ["vlan"])
        rows.append(row)
    return rows


def check_plan(text: str) -> CheckedPlan:
    """Parse and validate a whole plan file; raises PlanErrors listing every problem with its place."""
    data = _load_yaml(text)
    problems = _Problems()
    for name in data.keys() - SHAPES.keys():
        problems.add(str(name), _("unknown key; expected vlans, ssids, prefixes"))
    plan = CheckedPlan()

    def build(key: str, model: type[models.Model], fields: tuple[str, ...]) -> list[tuple[str, models.Model, dict]]:
        rows = []
        for place, entry in _entries(data, key, problems):
            row = model(**{f: entry[f] for f in fields if f in entry})
            problems.check(place, row, ["vlan", *(f for f in fields if f not in entry)])
            rows.append((place, row, entry))
        return rows

    vlans = build("vlans", Vlan, ("vid", "name", "purpose"))
    problems.refuse_repeats([(p, r) for p, r, _e in vlans], "vid")
    problems.refuse_repeats([(p, r) for p, r, _e in vlans], "name")
    plan.vlans = [(row, _families(place, entry, problems)) for place, row, entry in vlans]
    vlan_names = {row.name for place, row, _e in vlans if f"{place}.name" not in problems.places}

    def resolve(rows: list[tuple[str, models.Model, dict]]) -> list[tuple[models.Model, str]]:
        for place, _row, entry in rows:
            if "vlan" in entry and entry["vlan"] not in vlan_names:
                problems.add(f"{place}.vlan", _('no VLAN named "%(name)s"') % {"name": entry["vlan"]})
        return [(row, entry.get("vlan")) for _place, row, entry in rows]

    ssids = build("ssids", Ssid, ("essid", "hidden", "authentication", "wifi_password", "bands"))
    problems.refuse_repeats([(p, r) for p, r, _e in ssids], "essid")
    plan.ssids = resolve(ssids)
    prefixes = build("prefixes", Prefix, ("network", "purpose", "description"))
    problems.refuse_repeats([(p, r) for p, r, _e in prefixes], "network")
    earlier: list[tuple[IPNetwork, str]] = []
    for place, row, entry in prefixes:
        if f"{place}.network" in problems.places or "network" not in entry:
            continue
        network = ipaddress.ip_network(row.network)
        for error in overlap_errors(network, earlier):
            problems.add(f"{place}.network", error.messages[0])
        earlier.append((network, entry.get("vlan")))
    plan.prefixes = resolve(prefixes)
    scopes = {(vlan.name, row.family): row.scope for vlan, rows in plan.vlans for row in rows}
    for place, row, entry in prefixes:
        if f"{place}.network" in problems.places or "network" not in entry or entry.get("vlan") not in vlan_names:
            continue
        try:
            row.refuse_scope_none(scopes.get((entry["vlan"], row.family), Scope.NONE), entry["vlan"])
        except ValidationError as error:
            problems.add(f"{place}.vlan", error.message_dict["vlan"][0])
    if problems.lines:
        raise PlanErrors(problems.lines)
    return plan


def dropped_vlan_consequences(plan: CheckedPlan) -> list[str]:
    """What importing `plan` takes from registered devices: one line per VLAN it drops that has registrations."""
    kept = {vlan.vid for vlan, _families in plan.vlans}
    return [lost for vlan in Vlan.objects.exclude(vid__in=kept) if (lost := vlan.registrations_lost())]


def _upsert(current: models.Model | None, wanted: models.Model, fields: tuple[str, ...], counts: Counts) -> models.Model:
    """Save `wanted` as a new row, or copy its `fields` onto the `current` row so its primary key stays."""
    if current is None:
        wanted.save()
        counts.created += 1
        return wanted
    if any(getattr(current, f) != getattr(wanted, f) for f in fields):
        for f in fields:
            setattr(current, f, getattr(wanted, f))
        current.save()
        counts.changed += 1
    return current


def _apply(plan: CheckedPlan) -> ImportSummary:
    summary = ImportSummary()
    existing = {vlan.vid: vlan for vlan in Vlan.objects.all()}
    wanted_vid_of = {vlan.name: vlan.vid for vlan, _families in plan.vlans}
    for vid, vlan in existing.items():
        # A name moving to another VLAN id must be free before that VLAN takes it.
        if wanted_vid_of.get(vlan.name, vid) != vid:
            Vlan.objects.filter(pk=vlan.pk).update(name=f"~{vlan.pk}")
    saved: dict[str, Vlan] = {}
    for wanted, families in plan.vlans:
        vlan_counts, family_counts = Counts(), Counts()
        vlan = _upsert(existing.get(wanted.vid), wanted, ("name", "purpose"), vlan_counts)
        current = {row.family: row for row in vlan.families.all()}
        for row in families:
            row.vlan = vlan
            _upsert(current.get(row.family), row, FAMILY_FIELDS + OPTIONAL_FAMILY_FIELDS, family_counts)
        # A VLAN whose family rows changed counts as one changed VLAN.
        summary.vlans.created += vlan_counts.created
        summary.vlans.changed += bool(vlan_counts.changed or (family_counts.created or family_counts.changed) and not vlan_counts.created)
        saved[vlan.name] = vlan
    current_ssids = {s.essid: s for s in Ssid.objects.all()}
    for ssid, vlan_name in plan.ssids:
        ssid.vlan = saved[vlan_name]
        _upsert(current_ssids.get(ssid.essid), ssid, ("hidden", "authentication", "wifi_password", "bands", "vlan_id"),
                summary.ssids)
    current_prefixes = {p.network: p for p in Prefix.objects.all()}
    for prefix, vlan_name in plan.prefixes:
        prefix.vlan = saved[vlan_name]
        _upsert(current_prefixes.get(prefix.network), prefix, ("purpose", "description", "vlan_id"), summary.prefixes)
    stale = [
        (summary.ssids, [s for e, s in current_ssids.items() if e not in {x.essid for x, _n in plan.ssids}]),
        (summary.prefixes, [p for n, p in current_prefixes.items() if n not in {x.network for x, _n in plan.prefixes}]),
        (summary.vlans, [v for vid, v in existing.items() if vid not in {x.vid for x, _f in plan.vlans}]),
    ]
    for counts, rows in stale:
        for row in rows:
            row.delete()
            counts.deleted += 1
    return summary


def import_plan(text: str) -> ImportSummary:
    """Replace the whole plan with the one in `text`, in one transaction, or raise PlanErrors and change nothing."""
    plan = check_plan(text)
    with transaction.atomic():
        before = export_plan()
        summary = _apply(plan)
        after = export_plan()
        record(AuditEntry.Action.IMPORT, "plan.Plan", "", _("network plan (%(summary)s)") % {"summary": summary}, {"yaml": before}, {"yaml": after})
    return summary
