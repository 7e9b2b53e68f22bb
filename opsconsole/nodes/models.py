"""Gateway nodes, the revisions of their intent, and every push attempt."""
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited

from . import credentials


class NodeState(models.TextChoices):
    IN_SYNC = "in-sync", _("in sync")
    PUSHING = "pushing", _("pushing")
    FAILED = "failed", _("failed")
    UNREACHABLE = "unreachable", _("unreachable")
    DRIFTED = "drifted", _("drifted")


STATE_BADGE = {
    NodeState.IN_SYNC: "ok",
    NodeState.PUSHING: "warn",
    NodeState.FAILED: "bad",
    NodeState.UNREACHABLE: "bad",
    NodeState.DRIFTED: "warn",
}
HEARTBEAT_STALE_SECONDS = 30


def validate_agent_url(value: str) -> None:
    """http(s)://HOST:PORT where HOST may be an address, a DNS name or a single label such as a compose service."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or port is None
            or parts.path not in ("", "/") or parts.query or parts.fragment or any(c.isspace() for c in value)):
        raise ValidationError(
            _("%(url)s is not an agent URL: give http:// or https://, a host and a port, e.g. "
              "https://[2001:db8::1]:9101"), params={"url": value},
        )


@audited(secret_fields=("secret_encrypted", "token_hash"), quiet_fields=(
    "last_heartbeat_at", "last_heartbeat", "applied_revision_id", "rebuild_requested_at", "rebuild_reason", "rebuild_actor",
    "intent_error", "running_revision_id", "push_claimed_until",
))
class GatewayNode(models.Model):
    name = models.SlugField(_("name"), max_length=63, unique=True)
    description = models.CharField(
        _("description"), max_length=200, blank=True, validators=[ProhibitNullCharactersValidator()]
    )
    agent_url = models.CharField(
        _("agent URL"), max_length=200, validators=[validate_agent_url],
        help_text=_("Where the console reaches this node's agent, e.g. https://[2001:db8::1]:9101"),
    )
    agent_ca_file = models.CharField(
        _("agent CA file"), max_length=300, blank=True, validators=[ProhibitNullCharactersValidator()],
        help_text=_("For an https:// agent: the PEM file, on the console's machine, of the CA that signed the "
                    "agent's certificate; empty trusts the system's CAs"),
    )
    secret_encrypted = models.TextField(editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    desired_revision = models.ForeignKey(
        "ConfigRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_revision = models.ForeignKey(
        "ConfigRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The revision whose hash the agent last reported running; empty when it runs nothing or a hash never sent.
    running_revision = models.ForeignKey(
        "ConfigRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # A worker pushing to this node holds it until then (see tasks.py), so pushes to one node never stack up.
    push_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat = models.JSONField(default=dict, blank=True)
    # Set when a change touched this node; a worker claims it, rebuilds the intent and clears it (see revisions.py).
    rebuild_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    rebuild_reason = models.CharField(max_length=300, blank=True, editable=False)
    rebuild_actor = models.CharField(max_length=150, blank=True, editable=False)
    intent_error = models.TextField(_("why the intent cannot be built"), blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gateway node")

    def __str__(self) -> str:
        return self.name

    def issue_credentials(self) -> tuple[str, str]:
        """Give the node a new push secret and heartbeat token; return both in clear, once, for its agent.toml."""
        secret, token = credentials.new_secret(), credentials.new_secret()
        self.secret_encrypted = credentials.encrypt(secret)
        self.token_hash = credentials.hash_token(token)
        return secret, token

    @property
    def push_secret(self) -> bytes:
        return credentials.decrypt(self.secret_encrypted).encode()

    @property
    def running_hash(self) -> str:
        return self.last_heartbeat.get("hash", "")

    @property
    def last_push(self) -> "Push | None":
        if "last_push" in self.__dict__:  # loaded with the page's whole list by with_last_push()
            return self.__dict__["last_push"]
        return self.pushes.order_by("-started_at", "-id").first()

    def state(self, now=None) -> NodeState:
        now = now or timezone.now()
        last_push = self.last_push
        heartbeat_fresh = (
            self.last_heartbeat_at is not None
            and (now - self.last_heartbeat_at).total_seconds() < HEARTBEAT_STALE_SECONDS
        )
        desired_hash = self.desired_revision.content_hash if self.desired_revision else ""
        if not heartbeat_fresh and (last_push is None or last_push.status in Push.UNANSWERED):
            return NodeState.UNREACHABLE
        if heartbeat_fresh and self.running_hash and self.running_revision_id is None:
            return NodeState.DRIFTED  # the agent runs a hash the console never sent
        if self.applied_revision_id != self.desired_revision_id:
            if last_push and last_push.revision_id == self.desired_revision_id and last_push.status in Push.FAILURES:
                return NodeState.UNREACHABLE if last_push.status in Push.UNANSWERED else NodeState.FAILED
            return NodeState.PUSHING
        if heartbeat_fresh and self.running_hash != desired_hash:
            return NodeState.DRIFTED
        return NodeState.IN_SYNC


class ConfigRevision(models.Model):
    node = models.ForeignKey(GatewayNode, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    intent = models.JSONField()
    content_hash = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(_("changed by"), max_length=150)
    reason = models.CharField(_("what changed"), max_length=300)

    class Meta:
        ordering = ["node", "-number"]
        constraints = [models.UniqueConstraint(fields=["node", "number"], name="nodes_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.node.name} r{self.number}"


class Push(models.Model):
    """One push of a node's desired revision; an agent that does not answer is retried on the same row."""

    class Status(models.TextChoices):
        SENDING = "sending", _("sending")
        APPLIED = "applied", _("applied")
        UNCHANGED = "unchanged", _("no change needed — already running this revision")
        FAILED = "failed", _("failed")
        REFUSED = "refused", _("refused by the agent")
        UNREACHABLE = "unreachable", _("agent unreachable")
        NO_ANSWER = "no-answer", _("no answer")

    UNANSWERED = (Status.UNREACHABLE, Status.NO_ANSWER)
    FAILURES = (Status.FAILED, Status.REFUSED, *UNANSWERED)
    RETRIES = 5

    node = models.ForeignKey(GatewayNode, on_delete=models.CASCADE, related_name="pushes")
    revision = models.ForeignKey(ConfigRevision, on_delete=models.CASCADE, related_name="pushes")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    services = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    # Set while the agent has not answered and a retry is planned; cleared by the retry or when retries run out.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("push")
        verbose_name_plural = _("pushes")

    def __str__(self) -> str:
        return f"push of {self.revision} {self.status}"

    @property
    def retry(self) -> int:
        """Which retry the next attempt is (1 for the first retry), 0 when none is planned."""
        return self.attempts if self.next_attempt_at else 0


def with_last_push(nodes: models.QuerySet) -> list[GatewayNode]:
    """The nodes, each with its latest push already loaded, for pages that show many nodes' states."""
    latest = Push.objects.filter(node=models.OuterRef("pk")).order_by("-started_at", "-id").values("pk")[:1]
    found = list(nodes.annotate(last_push_id=models.Subquery(latest)))
    pushes = Push.objects.in_bulk([node.last_push_id for node in found if node.last_push_id])
    for node in found:
        node.__dict__["last_push"] = pushes.get(node.last_push_id)
    return found
