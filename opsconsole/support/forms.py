from django import forms
from django.utils.translation import gettext_lazy as _

from opsconsole.plan.models import Ssid
from opsconsole.registration.forms import DateTimeInput
from opsconsole.registration.models import Participant

from .models import Attachment, TroubleReport


class TroubleReportForm(forms.ModelForm):
    class Meta:
        model = TroubleReport
        fields = ["what_happened", "device", "ssid", "happened_at"]
        widgets = {"what_happened": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}), "happened_at": DateTimeInput()}

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.participant = participant
        self.fields["device"].queryset = participant.devices.all()
        self.fields["device"].empty_label = _("another device, or I don't know")
        self.fields["ssid"].queryset = Ssid.objects.order_by("essid")
        self.fields["ssid"].empty_label = _("I don't know")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the participant"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5}))


class AttachmentForm(forms.ModelForm):
    """What another tool's "attach to a trouble report" button posts."""

    class Meta:
        model = Attachment
        fields = ["title", "text", "source"]
