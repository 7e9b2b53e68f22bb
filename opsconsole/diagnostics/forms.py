"""The checks' inputs: a DNS name typed by a person, refused plainly when it is not one."""
from django import forms
from django.utils.translation import gettext_lazy as _

from opsconsole.transition.models import Dns64Role

from .dnswire import DiagnosticError, parse_name
from .models import EventDomain


class NameForm(forms.Form):
    name = forms.CharField(label=_("DNS name"), max_length=255,
                           widget=forms.TextInput(attrs={"placeholder": "www.example.com"}))

    def clean_name(self) -> str:
        typed = self.cleaned_data["name"]
        try:
            return parse_name(typed).to_text(omit_final_dot=True)
        except DiagnosticError:
            raise forms.ValidationError(_("“%(value)s” is not a DNS name, e.g. www.example.com."),
                                        params={"value": typed}) from None


class EventDomainForm(forms.ModelForm):
    class Meta:
        model = EventDomain
        fields = ("name", "note")


class OverrideForm(forms.Form):
    roles = forms.ModelMultipleChoiceField(label=_("DNS64 nodes"), queryset=Dns64Role.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        field.queryset = (Dns64Role.objects.exclude(overrides__name=name).select_related("node")
                          .order_by("node__name"))
        field.label_from_instance = lambda role: f"{role.node.name} ({role.get_implementation_display()}, {role.prefix})"
