"""DNS64 roles: Unbound or BIND synthesising AAAA records under a NAT64 prefix, with their stub and forward zones."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gateways.intent import IntentError, dns_name
from opsconsole.audit.trail import audited

from ..validators import (
    compressed_words,
    ListOf,
    validate_address,
    validate_ipv4_address,
    validate_ipv4_prefix,
    validate_ipv6_address,
    validate_ipv6_prefix,
    validate_nat64_prefix,
    validate_prefix,
    words,
)
from .base import NodeRole, RoleRow, normalise

CLIENT_WORDS = ("any", "none", "localhost", "localnets")
BIND_ONLY_CLIENT_WORDS = ("none", "localhost", "localnets")
MAPPED_WORDS = ("any", "rfc1918")
EXCLUDE_WORDS = ("any",)


def port_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(_("port"), default=53, validators=[MinValueValidator(1), MaxValueValidator(65535)])


def validate_dns_name(value: str) -> None:
    try:
        dns_name(value, "name")
    except IntentError:
        raise ValidationError(_("%(name)r is not a DNS name.") % {"name": value}) from None


@audited()
class Dns64Role(NodeRole):
    intent_role = "dns64"

    class Implementation(models.TextChoices):
        UNBOUND = "unbound", "Unbound"
        BIND = "bind", "BIND"

    implementation = models.CharField(_("implementation"), max_length=8, choices=Implementation.choices)
    prefix = models.CharField(_("NAT64 prefix"), max_length=64, validators=[validate_nat64_prefix])
    clients = models.CharField(_("clients"), max_length=500, default="any",
                               validators=[ListOf(validate_prefix, CLIENT_WORDS)],
                               help_text=_("prefixes, or any; BIND also takes none, localhost, localnets"))
    mapped = models.CharField(_("mapped IPv4 ranges (BIND)"), max_length=500, default="any",
                              validators=[ListOf(validate_ipv4_prefix, MAPPED_WORDS)])
    exclude = models.CharField(_("excluded IPv6 ranges (BIND)"), max_length=500, blank=True,
                               validators=[ListOf(validate_ipv6_prefix, EXCLUDE_WORDS)])
    dnssec_validation = models.BooleanField(_("DNSSEC validation"), default=True)
    recursive_only = models.BooleanField(_("recursive only"), default=False)
    break_dnssec = models.BooleanField(_("break DNSSEC"), default=False,
                                       help_text=_("synthesise even when the answer is signed"))
    synthall = models.BooleanField(_("synthesise for every name"), default=False)
    listen = models.CharField(_("listen addresses"), max_length=500, default="::",
                              validators=[ListOf(validate_address)])
    port = port_field()
    probe_name = models.CharField(_("DNS64 probe name"), max_length=253, blank=True, validators=[validate_dns_name],
                                  help_text=_("a name with only A records, which must come back under the NAT64 "
                                              "prefix; empty: ipv4only.arpa (RFC 7050)"))

    class Meta:
        verbose_name = _("DNS64 role")

    def clean(self) -> None:
        normalise(self, "prefix")
        try:
            self.clients = compressed_words(self.clients, CLIENT_WORDS)
            self.mapped = compressed_words(self.mapped, MAPPED_WORDS)
            self.exclude = compressed_words(self.exclude, EXCLUDE_WORDS)
            self.listen = compressed_words(self.listen)
        except ValueError:
            return  # the field validators say which word is wrong
        errors = {}
        if not words(self.clients):
            errors["clients"] = _("Give at least one client prefix, or any.")
        if not words(self.listen):
            errors["listen"] = _("Give at least one listen address.")
        if self.implementation == self.Implementation.UNBOUND:
            if self.mapped != "any":
                errors["mapped"] = _("Unbound has no mapped setting; only BIND takes it (leave it any).")
            if self.exclude:
                errors["exclude"] = _("Unbound has no exclude setting; only BIND takes it (leave it empty).")
            bind_words = [w for w in words(self.clients) if w in BIND_ONLY_CLIENT_WORDS]
            if bind_words:
                errors["clients"] = _("%(word)s is a BIND ACL name; Unbound takes prefixes or any.") % {
                    "word": bind_words[0]}
        if errors:
            raise ValidationError(errors)


@audited()
class Dns64Zone(RoleRow):
    role_model = Dns64Role

    class Kind(models.TextChoices):
        STUB = "stub", _("stub zone")
        FORWARD = "forward", _("forward zone")

    role = models.ForeignKey(Dns64Role, on_delete=models.CASCADE, related_name="zones", verbose_name=_("DNS64 role"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("zone"), max_length=253, validators=[validate_dns_name])
    addresses = models.CharField(_("server addresses"), max_length=500, validators=[ListOf(validate_address)])
    port = port_field()
    insecure = models.BooleanField(_("unsigned (skip DNSSEC validation)"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("DNS64 zone")

    def __str__(self) -> str:
        return f"{self.kind} zone {self.name}"

    def clean(self) -> None:
        try:
            self.name = dns_name(self.name, "name")
            self.addresses = compressed_words(self.addresses)
        except (IntentError, ValueError):
            return
        if not self.addresses:
            raise ValidationError({"addresses": _("Give at least one server address.")})


@audited()
class Dns64Override(RoleRow):
    """The WIDE camp report's workaround for a name whose authoritative servers answer AAAA wrongly (RFC 4074):
    Unbound ignores the name's AAAA answers and synthesises from its A records (dns64-ignore-aaaa); BIND, which has
    no such setting, answers the name with fixed records from a response-policy zone (AAAA synthesised from the A
    records when the override was made, and those A records)."""

    role_model = Dns64Role

    role = models.ForeignKey(Dns64Role, on_delete=models.CASCADE, related_name="overrides",
                             verbose_name=_("DNS64 role"))
    name = models.CharField(_("name"), max_length=253, validators=[validate_dns_name])
    aaaa = models.CharField(_("fixed AAAA answers (BIND)"), max_length=1000, blank=True,
                            validators=[ListOf(validate_ipv6_address)])
    a = models.CharField(_("fixed A answers (BIND)"), max_length=1000, blank=True,
                         validators=[ListOf(validate_ipv4_address)])
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("DNS64 AAAA override")
        constraints = [models.UniqueConstraint(fields=["role", "name"], name="transition_dns64override_one_per_name")]

    def __str__(self) -> str:
        return f"synthesise {self.name}"

    def clean(self) -> None:
        try:
            self.name = dns_name(self.name, "name")
            self.aaaa, self.a = compressed_words(self.aaaa), compressed_words(self.a)
        except (IntentError, ValueError):
            return
        if self.role_id and self.role.overrides.filter(name=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("%(name)s is already overridden on this node.") % {"name": self.name}})
        if not self.role_id:
            return
        if self.role.implementation == Dns64Role.Implementation.BIND and not self.aaaa:
            raise ValidationError({"aaaa": _("BIND cannot ignore one name's AAAA answers: give the AAAA records "
                                             "to answer with (the name's A records under the DNS64 prefix).")})
        if self.role.implementation == Dns64Role.Implementation.UNBOUND and (self.aaaa or self.a):
            raise ValidationError(_("Unbound synthesises from the name's own A records: leave the fixed answers "
                                    "empty."))
