"""Gateway nodes, their roles, revisions and pushes over the API. Staff read; the NOC changes, pushes and rolls back.

Separate from the agents' own API (/api/nodes/<name>/heartbeat/), which authenticates nodes, not people."""
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsconsole.audit.context import current_actor
from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record
from opsconsole.nodes.models import ConfigRevision, GatewayNode, NodeState, Push
from opsconsole.nodes.revisions import new_revision
from opsconsole.nodes.tasks import push_node_revision
from opsconsole.transition.forms import ROLE_KINDS, RoleKind

from .base import ApiSerializer, NOC, Conflict, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet, filter_set


def node_by_name(**options) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="name", queryset=GatewayNode.objects.all(), **options)


class NodeSerializer(ModelCleanSerializer):
    state = serializers.ChoiceField(choices=NodeState.choices, read_only=True)
    desired_revision = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    applied_revision = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    running_hash = serializers.CharField(read_only=True)

    class Meta:
        model = GatewayNode
        fields = ["id", "name", "description", "agent_url", "agent_ca_file", "state", "desired_revision",
                  "applied_revision", "running_hash", "last_heartbeat_at", "intent_error"]
        read_only_fields = ["last_heartbeat_at", "intent_error"]

    def prepare(self, instance: GatewayNode, extra: dict) -> None:
        if instance.pk is None:
            # As in the admin: the agent gets its credentials from `manage.py agent_config`, never from a page or here.
            instance.issue_credentials()


class RollBack(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, help_text=_("The earlier revision to restore."))


PUSH_QUEUED = inline_serializer("PushQueued", {"revision": serializers.IntegerField()})


class NodeViewSet(ModelViewSet):
    queryset = GatewayNode.objects.select_related("desired_revision", "applied_revision")
    serializer_class = NodeSerializer
    lookup_field = "name"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = filter_set(GatewayNode, "name")
    action_roles = {"push": NOC, "roll_back": NOC}

    @extend_schema(request=None, responses={202: PUSH_QUEUED})
    @action(detail=True, methods=["post"])
    def push(self, request, name: str):
        """Push the node's desired revision now, even if the console thinks the node runs it."""
        node = self.get_object()
        if node.desired_revision is None:
            raise Conflict(_("This node has no configuration to push yet."))
        record(AuditEntry.Action.ACTION, "nodes.GatewayNode", str(node.pk), node.name,
               after={"action": "push now", "revision": node.desired_revision.number})
        push_node_revision.delay_on_commit(node.pk, force=True)
        return Response({"revision": node.desired_revision.number}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=RollBack, responses={201: PUSH_QUEUED})
    @action(detail=True, methods=["post"], url_path="rollback")
    def roll_back(self, request, name: str):
        """Make an earlier revision's intent the desired one again (as a new revision) and queue its push."""
        asked = RollBack(data=request.data)
        asked.is_valid(raise_exception=True)
        number = asked.validated_data["revision"]
        with transaction.atomic():
            node = get_object_or_404(self.get_queryset().select_for_update(of=("self",)), name=name)
            earlier = get_object_or_404(ConfigRevision, node=node, number=number)
            revision = new_revision(node, earlier.intent, earlier.content_hash, current_actor().label,
                                    f"roll back to revision {number}")
            push_node_revision.delay_on_commit(node.pk)
        return Response({"revision": revision.number}, status=status.HTTP_201_CREATED)


class RevisionSerializer(ApiSerializer):
    node = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = ConfigRevision
        fields = ["id", "node", "number", "content_hash", "created_at", "created_by", "reason", "intent"]


class RevisionViewSet(ReadOnlyViewSet):
    queryset = ConfigRevision.objects.select_related("node")
    serializer_class = RevisionSerializer
    filterset_class = filter_set(ConfigRevision, "number", node="node__name")


class PushSerializer(ApiSerializer):
    node = serializers.SlugRelatedField(slug_field="name", read_only=True)
    revision = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Push
        fields = ["id", "node", "revision", "status", "started_at", "finished_at", "services", "error", "attempts",
                  "next_attempt_at"]


class PushViewSet(ReadOnlyViewSet):
    queryset = Push.objects.select_related("node", "revision")
    serializer_class = PushSerializer
    filterset_class = filter_set(Push, "status", node="node__name")


def role_resource(kind: RoleKind) -> type[ModelViewSet]:
    """The viewset of one kind of the node page's roles (transition.forms.ROLE_KINDS): same fields, same rules."""
    owner = {} if kind.parent else {"node": node_by_name()}
    meta = type("Meta", (), {"model": kind.model, "fields": ["id", "role" if kind.parent else "node", *kind.fields]})
    serializer = type(f"{kind.model.__name__}Serializer", (ModelCleanSerializer,), {"Meta": meta, **owner})
    node_path = "role__node__name" if kind.parent else "node__name"
    return type(f"{kind.model.__name__}ViewSet", (ModelViewSet,), {
        "__doc__": f"{kind.title}: NOC and helpdesk read, the NOC changes.",
        "queryset": kind.model.objects.order_by("pk"),
        "serializer_class": serializer,
        "filterset_class": filter_set(kind.model, node=node_path),
    })


ROLE_RESOURCES = {slug: role_resource(kind) for slug, kind in ROLE_KINDS.items()}
