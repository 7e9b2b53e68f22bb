"""The API the agents call: a heartbeat, authenticated by the node's own bearer token."""
import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gateways.signing import SignatureError, bearer_token

from .live import broadcast_node, heartbeat_received
from .models import GatewayNode
from .credentials import token_matches

HEARTBEAT_FIELDS = ("revision", "hash", "services", "counters", "refused")


@csrf_exempt
@require_POST
def heartbeat(request, name: str):
    node = GatewayNode.objects.filter(name=name).first()
    try:
        token = bearer_token(request.headers.get("Authorization"))
        # The same answer for an unknown node and a wrong token: a token never reveals which nodes exist.
        if node is None or not token_matches(token, node.token_hash):
            raise SignatureError("token is not valid for this node")
    except SignatureError as exc:
        return JsonResponse({"status": "refused", "reason": str(exc)}, status=401)
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
