"""Sign-in lockouts over the API (NOC only, as on the lockouts page): the accounts and addresses django-axes has
locked out, and lifting one, audited as on the page."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from opsconsole.accounts.lockouts import locked_out, unlock_sign_in

from .base import NOC, ConsoleAccess, UtcDateTimeField

KINDS = {"username": _("an account's user name"), "ip_address": _("an address")}


class LockoutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS.items()))
    value = serializers.CharField(help_text=_("The user name or the address."))
    failures = serializers.IntegerField(help_text=_("Failed sign-ins within the cool-off time."))
    last = UtcDateTimeField(help_text=_("The last failed sign-in."))


class Unlock(serializers.Serializer):
    username = serializers.CharField(required=False, allow_blank=True, max_length=255)
    ip_address = serializers.IPAddressField(required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if not (attrs.get("username") or attrs.get("ip_address")):
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [
                _("Name the user name or the address to unlock.")]})
        return attrs


class Unlocked(serializers.Serializer):
    unlocked = serializers.CharField()
    failed_attempt_records = serializers.IntegerField(help_text=_("The failure records forgotten."))


class LockoutViewSet(ConsoleAccess, viewsets.GenericViewSet):
    """Accounts, then addresses, each newest first, as on the page."""

    serializer_class = LockoutSerializer
    filter_backends: list = []
    read_roles = write_roles = NOC

    def list(self, request):
        rows = [{"kind": kind, **row} for kind in KINDS for row in locked_out(kind)]
        return self.get_paginated_response(self.get_serializer(self.paginate_queryset(rows), many=True).data)

    @extend_schema(request=Unlock, responses=Unlocked)
    @action(detail=False, methods=["post"])
    def unlock(self, request):
        """Let an account or an address sign in again now (both at once: that pair's failures only)."""
        asked = Unlock(data=request.data)
        asked.is_valid(raise_exception=True)
        what, count = unlock_sign_in(asked.validated_data.get("username") or None,
                                     asked.validated_data.get("ip_address") or None)
        return Response({"unlocked": what, "failed_attempt_records": count})
