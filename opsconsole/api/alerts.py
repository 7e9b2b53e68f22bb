"""Alerts over the API, as on the alerts page: staff read alerts and rules; the NOC sets a rule's thresholds and keeps
the notification channels, whose webhook URL goes in and never comes out."""
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from opsconsole.alerts.models import WEBHOOK_URL_INVALID, Alert, AlertRule, ChannelKind, NotificationChannel

from .base import NOC, ApiSerializer, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet, filter_set


class AlertSerializer(ApiSerializer):
    summary = serializers.CharField(read_only=True)
    open = serializers.BooleanField(source="is_open", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "rule", "kind", "subject", "summary", "facts", "value", "open", "raised_at", "cleared_at",
                  "notified_at"]


class AlertFilter(filter_set(Alert, "rule", "kind", "subject")):
    open = filters.BooleanFilter(field_name="cleared_at", lookup_expr="isnull", label=_("still open"))
    cleared_since = filters.IsoDateTimeFilter(field_name="cleared_at", lookup_expr="gte",
                                              label=_("cleared at or after"))


class AlertViewSet(ReadOnlyViewSet):
    """Open and cleared alerts, newest first."""

    queryset = Alert.objects.all()
    serializer_class = AlertSerializer
    filterset_class = AlertFilter


class AlertRuleSerializer(ModelCleanSerializer):
    threshold_unit = serializers.CharField(read_only=True, help_text=_("What the threshold counts; empty: none."))

    class Meta:
        model = AlertRule
        fields = ["id", "kind", "threshold", "threshold_unit", "duration_seconds", "interfaces", "repeat_minutes",
                  "enabled"]
        read_only_fields = ["kind"]


class AlertRuleViewSet(ModelViewSet):
    """One rule per kind, as the console made them: change its thresholds or turn it off, as on the page."""

    queryset = AlertRule.objects.all()
    serializer_class = AlertRuleSerializer
    filterset_class = filter_set(AlertRule, "kind", "enabled")
    write_roles = NOC
    http_method_names = ["get", "put", "patch", "head"]


class NotificationChannelSerializer(ModelCleanSerializer):
    url = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500, trim_whitespace=False,
        help_text=_("A webhook's URL: required for a new webhook, optional later (empty keeps it). Never returned."))
    shown_target = serializers.CharField(read_only=True, help_text=_("A webhook's scheme and host, or the addresses."))
    last_error = serializers.CharField(read_only=True)

    class Meta:
        model = NotificationChannel
        fields = ["id", "name", "kind", "url", "addresses", "enabled", "shown_target", "last_error"]

    def prepare(self, instance: NotificationChannel, extra: dict) -> None:
        if instance.kind != ChannelKind.WEBHOOK or not extra.get("url"):
            return
        try:
            instance.set_url(extra["url"])
        except ModelValidationError:
            raise serializers.ValidationError({"url": [WEBHOOK_URL_INVALID]}) from None


class NotificationChannelViewSet(ModelViewSet):
    queryset = NotificationChannel.objects.all()
    serializer_class = NotificationChannelSerializer
    filterset_class = filter_set(NotificationChannel, "name", "kind", "enabled")
    read_roles = write_roles = NOC  # the page shows the channels to the NOC only
