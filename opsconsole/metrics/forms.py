from django import forms

from .models import ScrapeToken


class ScrapeTokenForm(forms.ModelForm):
    class Meta:
        model = ScrapeToken
        fields = ["name"]
