from django import forms

from .models import Guide


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["slug", "os", "topic", "order", "title_en", "title_ja", "body_en", "body_ja"]
        widgets = {"body_en": forms.Textarea(attrs={"rows": 12}), "body_ja": forms.Textarea(attrs={"rows": 12})}
