"""The NOC's forms: a rule's thresholds, and a notification channel (its webhook URL is write-only)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import WEBHOOK_URL_INVALID, AlertRule, ChannelKind, NotificationChannel


class RuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["threshold", "duration_seconds", "interfaces", "repeat_minutes", "enabled"]


class ChannelForm(forms.ModelForm):
    url = forms.CharField(label=_("Webhook URL"), required=False, max_length=500, widget=forms.PasswordInput,
                          help_text=_("Stored encrypted and never shown again; its path is usually the secret."))

    class Meta:
        model = NotificationChannel
        fields = ["name", "kind", "addresses", "enabled"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ChannelKind.WEBHOOK and data.get("url"):
            try:
                self.instance.set_url(data["url"])
            except ValidationError:
                self.add_error("url", WEBHOOK_URL_INVALID)
        return data
