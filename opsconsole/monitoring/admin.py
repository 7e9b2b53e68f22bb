from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SnmpDevice

SECRET_INPUTS = ("community", "auth_key", "priv_key")


class SnmpDeviceForm(forms.ModelForm):
    """Secrets are written here and never shown again: an empty field keeps the stored one."""
    community = forms.CharField(label=_("community (SNMPv2c)"), required=False,
                                widget=forms.PasswordInput(render_value=False))
    auth_key = forms.CharField(label=_("authentication key (SNMPv3)"), required=False, min_length=8,
                               widget=forms.PasswordInput(render_value=False))
    priv_key = forms.CharField(label=_("privacy key (SNMPv3)"), required=False, min_length=8,
                               widget=forms.PasswordInput(render_value=False))

    class Meta:
        model = SnmpDevice
        fields = ["name", "address", "port", "kind", "vendor", "enabled", "version", "community", "v3_user",
                  "auth_protocol", "auth_key", "priv_protocol", "priv_key"]

    def _post_clean(self):
        # Before the model's clean(), which checks that the version's secrets exist.
        self.instance.set_secrets(**{name: self.cleaned_data.get(name, "") for name in SECRET_INPUTS})
        super()._post_clean()


@admin.register(SnmpDevice)
class SnmpDeviceAdmin(admin.ModelAdmin):
    form = SnmpDeviceForm
    list_display = ("name", "address", "port", "kind", "vendor", "version", "enabled", "state", "last_polled_at")
    list_filter = ("kind", "state", "vendor", "enabled")
    search_fields = ("name", "address")
    readonly_fields = ("state", "last_polled_at", "last_error")
