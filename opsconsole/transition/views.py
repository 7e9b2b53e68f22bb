"""Pages: the MAP calculator, and each node's roles, intent and rendered files (NOC edits, helpdesk reads)."""
import json
import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gateways.addressing import AddressingError, ce_for_ipv4_port, ce_mapping, explain_ce
from gateways.intent import IntentError, validate_intent
from gateways.render import RenderedFile, render_intent
from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.nodes.intents import build_intent
from opsconsole.nodes.models import GatewayNode

from .forms import NODE_ROLE_KINDS, ROLE_KINDS, SHOWNET_EXAMPLE, MapCalculatorForm, RoleKind, row_kinds_under
from .intents import node_roles

_ERROR_PATH = re.compile(r"roles\.(?P<role>[a-z0-9]+)(?:\.(?P<rest>[^:]*))?:")


@dataclass
class IntentProblem:
    """An IntentError placed where the operator can fix it: a role kind and, where known, one of its fields."""

    message: str
    kind: RoleKind | None = None
    field: str | None = None

    @property
    def field_label(self) -> str:
        return str(self.kind.model._meta.get_field(self.field).verbose_name) if self.kind and self.field else ""


def locate(error: IntentError) -> IntentProblem:
    message = str(error)
    match = _ERROR_PATH.match(message)
    kind = next((k for k in NODE_ROLE_KINDS if match and k.model.intent_role == match["role"]), None)
    if kind is None:
        return IntentProblem(message)
    rest = re.sub(r"\[\d+\]", "", match["rest"] or "")
    field = kind.intent_fields.get(rest) or kind.intent_fields.get(rest.split(".")[0])
    if field is None and rest.split(".")[0] in kind.fields:
        field = rest.split(".")[0]
    return IntentProblem(message, kind, field)


def _field_values(instance) -> list[tuple[str, str]]:
    values = []
    for field in instance._meta.concrete_fields:
        if field.name in ("id", "node", "role") or field.auto_created:
            continue
        shown = getattr(instance, f"get_{field.name}_display", lambda: getattr(instance, field.name))()
        values.append((str(field.verbose_name), "" if shown is None else str(shown)))
    if hasattr(instance, "nat64_roles"):
        values.append(("NAT64", ", ".join(r.node.name for r in instance.nat64_roles.select_related("node"))))
    return values


def _cards(node: GatewayNode, problem: IntentProblem | None) -> list[dict]:
    present = {type(role): role for role in node_roles(node)}
    cards = []
    for kind in NODE_ROLE_KINDS:
        role = present.get(kind.model)
        rows = [(row_kind, [(row, _field_values(row)) for row in row_kind.model.objects.filter(role=role)])
                for row_kind in row_kinds_under(kind.model)] if role else []
        cards.append({"kind": kind, "role": role, "values": _field_values(role) if role else [], "rows": rows,
                      "problem": problem if problem and problem.kind is kind else None})
    return cards


def _intent_and_files(node: GatewayNode) -> tuple[dict | None, list[RenderedFile], IntentError | None]:
    try:
        raw = build_intent(node)
        intent = validate_intent(raw)
    except IntentError as exc:
        return None, [], exc
    try:
        return intent, render_intent(raw), None
    except IntentError as exc:
        return intent, [], exc


def current_problem(node: GatewayNode) -> IntentProblem | None:
    _, _, error = _intent_and_files(node)
    return locate(error) if error else None


@staff_required
def node_list(request: HttpRequest) -> HttpResponse:
    nodes = [(node, node_roles(node)) for node in GatewayNode.objects.all()]
    return render(request, "transition/node_list.html", {"nodes": nodes})


@staff_required
def node_detail(request: HttpRequest, name: str) -> HttpResponse:
    node = get_object_or_404(GatewayNode, name=name)
    intent, files, error = _intent_and_files(node)
    problem = locate(error) if error else None
    return render(request, "transition/node.html", {
        "node": node,
        "cards": _cards(node, problem),
        "problem": problem,
        "intent_json": json.dumps(intent, indent=2, ensure_ascii=False) if intent else "",
        "files": files,
    })


def _kind_or_404(slug: str) -> RoleKind:
    if slug not in ROLE_KINDS:
        raise Http404("no such role kind")
    return ROLE_KINDS[slug]


def _new_instance(node: GatewayNode, kind: RoleKind):
    if kind.parent is None:
        return kind.model(node=node)
    parent = kind.parent.objects.filter(node=node).first()
    if parent is None:
        raise Http404("add the role first")
    return kind.model(role=parent)


def _instance(node: GatewayNode, kind: RoleKind, pk: int):
    owner = {"node": node} if kind.parent is None else {"role__node": node}
    return get_object_or_404(kind.model, pk=pk, **owner)


def _role_form(request: HttpRequest, node: GatewayNode, kind: RoleKind, instance) -> HttpResponse:
    form = kind.form_class()(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("transition:node", name=node.name)
    problem = current_problem(node) if instance.pk else None
    return render(request, "transition/role_form.html", {
        "node": node, "kind": kind, "form": form, "instance": instance,
        "problem": problem if problem and problem.kind is kind else None,
    })


@noc_required
def role_add(request: HttpRequest, name: str, kind: str) -> HttpResponse:
    node, role_kind = get_object_or_404(GatewayNode, name=name), _kind_or_404(kind)
    existing = role_kind.model.objects.filter(node=node).first() if role_kind.parent is None else None
    if existing:
        return redirect("transition:role_edit", name=node.name, kind=kind, pk=existing.pk)
    return _role_form(request, node, role_kind, _new_instance(node, role_kind))


@noc_required
def role_edit(request: HttpRequest, name: str, kind: str, pk: int) -> HttpResponse:
    node, role_kind = get_object_or_404(GatewayNode, name=name), _kind_or_404(kind)
    return _role_form(request, node, role_kind, _instance(node, role_kind, pk))


@noc_required
@require_POST
def role_delete(request: HttpRequest, name: str, kind: str, pk: int) -> HttpResponse:
    node, role_kind = get_object_or_404(GatewayNode, name=name), _kind_or_404(kind)
    _instance(node, role_kind, pk).delete()
    return redirect("transition:node", name=node.name)


def _calculation_field(data: dict, message: str) -> str:
    if data["ipv4"]:
        return "ipv4"
    return "psid" if "PSID" in message else "ce_prefix"


def _calculate(form: MapCalculatorForm) -> dict | None:
    data = form.cleaned_data
    try:
        if data["ipv4"]:
            ce = ce_for_ipv4_port(form.rule, data["ipv4"], data["port"])
        else:
            ce = ce_mapping(form.rule, data["ce_prefix"], data["psid"])
    except AddressingError as exc:
        form.add_error(_calculation_field(data, str(exc)), str(exc))
        return None
    provisioned = ce.psid if form.rule.psid_len and not form.rule.ea_psid_len else None
    return {"ce": ce, "bits": explain_ce(form.rule, ce.ce_prefix, provisioned)}


@staff_required
def map_calculator(request: HttpRequest) -> HttpResponse:
    form = MapCalculatorForm(request.GET or None)
    result = _calculate(form) if form.is_valid() else None
    template = "transition/_map_result.html" if request.headers.get("HX-Request") else "transition/map_calculator.html"
    return render(request, template, {"form": form, "result": result, "example": SHOWNET_EXAMPLE})
