from django import forms
from django.utils.translation import gettext_lazy as _

from .issuing import MOBILECONFIG, PKCS12


class CertificateRequestForm(forms.Form):
    file_format = forms.ChoiceField(label=_("File"), choices=[
        (PKCS12, _("PKCS#12 file (Windows, Android, Linux, macOS)")),
        (MOBILECONFIG, _("Apple profile (iPhone, iPad, Mac)")),
    ], initial=PKCS12)
    password = forms.CharField(
        label=_("Password for the file"), min_length=8, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. Your device asks for it when you install the file; it is not stored."),
    )


class ExpiringForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=3650, initial=14, required=False)
