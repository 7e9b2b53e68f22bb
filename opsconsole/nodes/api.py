"""The API the agents call, each authenticated by the node's own bearer token: a heartbeat, and its roles' secrets."""
import json
import logging
import re
from functools import wraps

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from gateways.signing import SignatureError, bearer_token

from .credentials import token_matches
from .live import broadcast_node, heartbeat_received
from .models import GatewayNode

log = logging.getLogger(__name__)
HEARTBEAT_FIELDS = ("revision", "hash", "services", "counters", "refused", "stats", "probes")
HASH = re.compile(r"[A-Za-z0-9:_.-]{0,80}")  # "sha256:<hex>" today; the algorithm may change
# An event network's busiest VLANs hold a few thousand clients; more in one beat is a fault or an attack.
MAX_NEIGHBOURS = 4096
# The daemons' statistics and the probes' results: series keys (kea:subnet:192.0.2.0/24:total, if:eth0:in-bytes ...)
# with numbers, and one line per collector or probe that failed.
SERIES_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._/-]{0,199}")
MAX_SERIES = 2000
MAX_ERRORS, MAX_ERROR_CHARS = 50, 500
LARGEST_VALUE = 1e18
OBSERVATIONS = {"stats": ("gauges", "counters"), "probes": ("values",)}


class BadHeartbeat(ValueError):
    """A heartbeat that is refused; the message says which field is wrong."""


def _reject_constant(name: str):
    raise BadHeartbeat(f"{name} is not a number")


def _check_observations(name: str, report) -> None:
    """`stats` or `probes`: {map: {series key: number}, ..., "errors": {source: text}}; refused naming the field."""
    maps = OBSERVATIONS[name]
    if not isinstance(report, dict) or not set(report) <= {*maps, "errors"}:
        raise BadHeartbeat(f"{name} must be an object with {', '.join(maps)} and errors")
    for part in maps:
        values = report.get(part, {})
        if not isinstance(values, dict) or len(values) > MAX_SERIES:
            raise BadHeartbeat(f"{name}.{part} must be an object of at most {MAX_SERIES} series")
        for key, value in values.items():
            if not SERIES_KEY.fullmatch(key):
                raise BadHeartbeat(f"{name}.{part} has a key that is not a series name: {key[:80]!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= LARGEST_VALUE:
                raise BadHeartbeat(f"{name}.{part}.{key} is not a number of at most {LARGEST_VALUE:g}")
    errors = report.get("errors", {})
    if not isinstance(errors, dict) or len(errors) > MAX_ERRORS or not all(
            isinstance(source, str) and len(source) <= 100 and isinstance(text, str) and len(text) <= MAX_ERROR_CHARS
            for source, text in errors.items()):
        raise BadHeartbeat(f"{name}.errors must map at most {MAX_ERRORS} names to texts of at most "
                           f"{MAX_ERROR_CHARS} characters")


def parse_heartbeat(body: bytes) -> dict:
    """The agent's report, checked field by field; neighbours beyond MAX_NEIGHBOURS are dropped."""
    try:
        beat = json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:
        raise exc if isinstance(exc, BadHeartbeat) else BadHeartbeat("body is not a JSON object") from None
    if not isinstance(beat, dict):
        raise BadHeartbeat("body is not a JSON object")
    checks = {
        "revision": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "hash": lambda v: isinstance(v, str) and HASH.fullmatch(v),
        "services": lambda v: isinstance(v, dict),
        "counters": lambda v: isinstance(v, dict) and all(
            isinstance(n, int) and not isinstance(n, bool) for n in v.values()),
        "refused": lambda v: isinstance(v, list) and all(isinstance(reason, str) for reason in v),
        "neighbours": lambda v: isinstance(v, list) and all(isinstance(entry, dict) for entry in v),
    }
    for key, valid in checks.items():
        if key in beat and not valid(beat[key]):
            raise BadHeartbeat(f"{key} has the wrong type or form")
    for name in OBSERVATIONS:
        if name in beat:
            _check_observations(name, beat[name])
    if len(beat.get("neighbours", ())) > MAX_NEIGHBOURS:
        log.warning("heartbeat reported %d neighbours; kept the first %d", len(beat["neighbours"]), MAX_NEIGHBOURS)
        beat["neighbours"] = beat["neighbours"][:MAX_NEIGHBOURS]
    return beat


# Each source is a function (node) -> {role name: secrets}: only what that node's roles need, never in an intent.
SECRET_SOURCES = ("opsconsole.radius.intents.radius_secrets",)


def node_api(view):
    """The view runs for the node whose own bearer token the request carries; anyone else gets a 401."""

    @wraps(view)
    def authenticated(request, name: str):
        node = GatewayNode.objects.filter(name=name).first()
        try:
            token = bearer_token(request.headers.get("Authorization"))
            # The same answer for an unknown node and a wrong token: a token never reveals which nodes exist.
            if node is None or not token_matches(token, node.token_hash):
                raise SignatureError("token is not valid for this node")
        except SignatureError as exc:
            return JsonResponse({"status": "refused", "reason": str(exc)}, status=401)
        return view(request, node)

    return authenticated


@require_GET
@node_api
def secrets(request, node: GatewayNode):
    """The secrets of this node's roles, for its agent to write to files only it and the daemons read."""
    answer: dict = {}
    for source in SECRET_SOURCES:
        answer.update(import_string(source)(node))
    response = JsonResponse({"status": "ok", "secrets": answer})
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
@node_api
def heartbeat(request, node: GatewayNode):
    try:
        beat = parse_heartbeat(request.body)
    except BadHeartbeat as exc:
        return JsonResponse({"status": "refused", "reason": str(exc)}, status=400)
    with transaction.atomic():  # two beats of one node at once: the second sees the first as the one before it
        node = GatewayNode.objects.select_for_update().get(pk=node.pk)
        previous, previous_at = node.last_heartbeat or {}, node.last_heartbeat_at
        node.last_heartbeat = {key: beat[key] for key in HEARTBEAT_FIELDS if key in beat}
        node.last_heartbeat_at = timezone.now()
        node.running_revision = (node.revisions.filter(content_hash=node.running_hash).first()
                                 if node.running_hash else None)
        node.save(update_fields=["last_heartbeat", "last_heartbeat_at", "running_revision"])
        heartbeat_received.send(sender=GatewayNode, node=node, beat=beat, previous=previous, previous_at=previous_at)
        broadcast_node(node.pk)
    return JsonResponse({"status": "ok", "desired_hash": node.desired_revision.content_hash if node.desired_revision else ""})
