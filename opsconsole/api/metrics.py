"""Scrape tokens for Prometheus over the API (NOC only, as on the page): a token is shown once, in the answer that
makes it; a list never shows one; deleting one revokes it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsconsole.metrics.models import ScrapeToken

from .base import NOC, ModelCleanSerializer, ModelViewSet, filter_set
from .radius import NOT_STORED


class ScrapeTokenSerializer(ModelCleanSerializer):
    token = serializers.SerializerMethodField(
        help_text=_("The bearer token for the Prometheus server's scrape configuration, in the answer that makes it "
                    "only (null afterwards): only its hash is kept."))

    class Meta:
        model = ScrapeToken
        fields = ["id", "name", "token", "created_at", "last_used_at"]
        read_only_fields = ["created_at", "last_used_at"]

    def prepare(self, instance: ScrapeToken, extra: dict) -> None:
        self.issued = instance.issue()

    def get_token(self, scrape_token: ScrapeToken) -> str | None:
        return getattr(self, "issued", None)


class ScrapeTokenViewSet(ModelViewSet):
    queryset = ScrapeToken.objects.all()
    serializer_class = ScrapeTokenSerializer
    filterset_class = filter_set(ScrapeToken, "name")
    read_roles = write_roles = NOC
    http_method_names = ["get", "post", "delete", "head"]  # as on the page: made, listed, revoked

    def get_success_headers(self, data) -> dict:
        return {**super().get_success_headers(data), **NOT_STORED}  # the new token is in the answer
