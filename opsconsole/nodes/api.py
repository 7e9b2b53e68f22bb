"""The API the agents call, each authenticated by the node's own bearer token: a heartbeat, and its roles' secrets."""
import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_POST

from gateways.signing import SignatureError, bearer_token

from .live import broadcast_node, heartbeat_received
from .models import GatewayNode
from .credentials import token_matches

HEARTBEAT_FIELDS = ("revision", "hash", "services", "counters", "refused")


# Each source is a function (node) -> {role name: secrets}: only what that node's roles need, never in an intent.
SECRET_SOURCES = ("opsconsole.radius.intents.radius_secrets",)


def _authenticated(request, name: str) -> GatewayNode:
    """The node whose own bearer token the request carries; raises SignatureError."""
    node = GatewayNode.objects.filter(name=name).first()
    token = bearer_token(request.headers.get("Authorization"))
    # The same answer for an unknown node and a wrong token: a token never reveals which nodes exist.
    if node is None or not token_matches(token, node.token_hash):
        raise SignatureError("token is not valid for this node")
    return node


def _refused(error: SignatureError) -> JsonResponse:
    return JsonResponse({"status": "refused", "reason": str(error)}, status=401)


@require_GET
def secrets(request, name: str):
    """The secrets of this node's roles, for its agent to write to files only it and the daemons read."""
    try:
        node = _authenticated(request, name)
    except SignatureError as exc:
        return _refused(exc)
    answer: dict = {}
    for source in SECRET_SOURCES:
        answer.update(import_string(source)(node))
    response = JsonResponse({"status": "ok", "secrets": answer})
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def heartbeat(request, name: str):
    try:
        node = _authenticated(request, name)
    except SignatureError as exc:
        return _refused(exc)
    try:
        beat = json.loads(request.body)
        if not isinstance(beat, dict):
            raise ValueError("not an object")
    except ValueError:
        return JsonResponse({"status": "refused", "reason": "body is not a JSON object"}, status=400)
    node.last_heartbeat = {key: beat[key] for key in HEARTBEAT_FIELDS if key in beat}
    node.last_heartbeat_at = timezone.now()
    node.save(update_fields=["last_heartbeat", "last_heartbeat_at"])
    heartbeat_received.send(sender=GatewayNode, node=node, beat=beat)
    broadcast_node(node.pk)
    return JsonResponse({"status": "ok", "desired_hash": node.desired_revision.content_hash if node.desired_revision else ""})
