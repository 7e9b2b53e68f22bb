"""The checks' inputs (a DNS name typed by a person, refused plainly when it is not one) and where a result goes."""
from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from opsconsole.nodes.models import GatewayNode
from opsconsole.support.models import Status, TroubleReport
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


class PmtuForm(forms.Form):
    node = forms.ModelChoiceField(label=_("From node"), queryset=GatewayNode.objects.order_by("name"))
    destination = forms.GenericIPAddressField(label=_("Destination address"),
                                              widget=forms.TextInput(attrs={"placeholder": "192.0.2.10"}))


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


TIMELINE = "timeline"
OPEN_REPORTS_SHOWN = 20


class AttachForm(forms.Form):
    """The place a result goes: the timeline, or one of the newest open trouble reports."""

    target = forms.ChoiceField(label=_("Attach to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reports = (TroubleReport.objects.filter(status=Status.OPEN).select_related("participant")
                   .order_by("-reported_at", "-pk")[:OPEN_REPORTS_SHOWN])
        self.reports = {str(report.pk): report for report in reports}
        self.fields["target"].choices = [(TIMELINE, _("the timeline")), *(
            (key, f"#{key} {report.participant} · {Truncator(report.what_happened).chars(50)}")
            for key, report in self.reports.items())]

    def place(self) -> TroubleReport | None:
        """The chosen report, or None for the timeline (once the form is valid)."""
        return self.reports.get(self.cleaned_data["target"])
