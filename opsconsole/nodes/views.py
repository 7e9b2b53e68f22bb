"""Node pages: state at a glance, rendered files, running-vs-desired diff, push history, push now and roll back."""
import difflib

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gateways.intent import IntentError
from gateways.render import render_intent
from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.audit.context import current_actor
from opsconsole.audit.trail import record

from .models import STATE_BADGE, ConfigRevision, GatewayNode, with_last_push
from .revisions import new_revision
from .tasks import push_node_revision


def node_rows():
    nodes = with_last_push(GatewayNode.objects.select_related("desired_revision", "applied_revision"))
    return [row_for(node) for node in nodes]


def row_for(node: GatewayNode) -> dict:
    state = node.state()
    return {"node": node, "state": state, "badge": STATE_BADGE[state], "last_push": node.last_push}


@staff_required
def node_list(request):
    return render(request, "nodes/list.html", {"rows": node_rows()})


def rendered_files(revision: ConfigRevision | None) -> tuple[dict[str, str], str]:
    if revision is None:
        return {}, ""
    try:
        return {f.path: f.content for f in render_intent(revision.intent)}, ""
    except IntentError as exc:
        return {}, str(exc)


def diff_files(running: dict[str, str], desired: dict[str, str]) -> str:
    lines: list[str] = []
    for path in sorted(running.keys() | desired.keys()):
        lines += difflib.unified_diff(
            running.get(path, "").splitlines(keepends=True), desired.get(path, "").splitlines(keepends=True),
            fromfile=f"running/{path}", tofile=f"desired/{path}",
        )
    return "".join(lines)


def running_diff(node: GatewayNode, desired: dict[str, str]) -> tuple[str, bool]:
    """The diff from the files the agent runs to the desired ones, and whether the agent runs a hash never sent."""
    desired_hash = node.desired_revision.content_hash if node.desired_revision else ""
    if node.running_hash == desired_hash:
        return "", False
    if node.running_hash and node.running_revision is None:
        return "", True
    running, _unused = rendered_files(node.running_revision)
    return diff_files(running, desired), False


def detail_context(node: GatewayNode) -> dict:
    """What the node page shows of a node; the page and its live updates render it with one template."""
    node = GatewayNode.objects.select_related("desired_revision", "applied_revision", "running_revision").get(pk=node.pk)
    desired, render_error = rendered_files(node.desired_revision)
    diff, unknown_running = running_diff(node, desired)
    return {
        "row": row_for(node),
        "node": node,
        "files": sorted(desired.items()),
        "render_error": render_error,
        "diff": diff,
        "unknown_running": unknown_running,
        "pushes": node.pushes.select_related("revision")[:25],
        "revisions": node.revisions.all()[:25],
    }


@staff_required
def node_detail(request, name: str):
    node = get_object_or_404(GatewayNode, name=name)
    return render(request, "nodes/detail.html", detail_context(node))


@noc_required
@require_POST
def push_now(request, name: str):
    node = get_object_or_404(GatewayNode, name=name)
    if node.desired_revision is None:
        messages.error(request, _("This node has no configuration to push yet."))
        return redirect("nodes:detail", name=name)
    record("action", "nodes.GatewayNode", str(node.pk), node.name,
           after={"action": "push now", "revision": node.desired_revision.number})
    push_node_revision.delay_on_commit(node.pk, force=True)
    messages.success(request, _("Push of revision %(number)s queued.") % {"number": node.desired_revision.number})
    return redirect("nodes:detail", name=name)


@noc_required
@require_POST
def roll_back(request, name: str, number: int):
    with transaction.atomic():
        node = get_object_or_404(GatewayNode.objects.select_for_update(), name=name)
        earlier = get_object_or_404(ConfigRevision, node=node, number=number)
        revision = new_revision(node, earlier.intent, earlier.content_hash, current_actor().label,
                                f"roll back to revision {number}")
        push_node_revision.delay_on_commit(node.pk)
    messages.success(request, _("Revision %(new)s restores revision %(old)s; its push is queued.")
                     % {"new": revision.number, "old": number})
    return redirect("nodes:detail", name=name)
