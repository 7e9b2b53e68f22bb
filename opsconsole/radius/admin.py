"""The NAS inventory in the admin. A shared secret is write-only: entered once, stored encrypted, never shown again."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Nas, RadiusService


class NasForm(forms.ModelForm):
    new_secret = forms.CharField(
        label=_("new shared secret"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret. It is never shown again."),
    )

    class Meta:
        model = Nas
        fields = ["name", "address", "coa_port", "ssids"]

    def clean_new_secret(self) -> str:
        secret = self.cleaned_data["new_secret"]
        if not secret and not self.instance.secret_encrypted:
            raise forms.ValidationError(_("A new NAS needs its shared secret."))
        if secret and (len(secret) < 8 or not secret.isascii() or not secret.isprintable()):
            raise forms.ValidationError(_("A shared secret is at least 8 printable ASCII characters."))
        if "\\" in secret:
            raise forms.ValidationError(_("A shared secret cannot hold a backslash: FreeRADIUS cannot read one."))
        return secret

    def save(self, commit: bool = True) -> Nas:
        if self.cleaned_data["new_secret"]:
            self.instance.set_secret(self.cleaned_data["new_secret"])
        return super().save(commit)


@admin.register(Nas)
class NasAdmin(admin.ModelAdmin):
    form = NasForm
    list_display = ("name", "address")
    search_fields = ("name", "address")
    filter_horizontal = ("ssids",)


@admin.register(RadiusService)
class RadiusServiceAdmin(admin.ModelAdmin):
    list_display = ("node", "auth_port")
