"""Forms for the helpdesk and the portal; every rule lives in the models, so these only choose fields."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .importer import MAX_BYTES, TOO_LARGE, decode_csv
from .models import Device, Participant, RegistrationSettings, lock_participants, mac_taken_error, registered_already
from .models import registrable_vlans
from .plan_view import registration_vlans
from .signals import mark_dhcp_nodes_after_commit


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "affiliation", "email", "user", "active_from", "active_until"]
        widgets = {"active_from": DateTimeInput(), "active_until": DateTimeInput()}


class DeviceForm(forms.ModelForm):
    # Wider than the stored form so that a pasted address with spaces reaches the model's plain message.
    mac = forms.CharField(label=_("MAC address"), max_length=40)

    class Meta:
        model = Device
        fields = ["mac", "label", "os", "vlans"]
        widgets = {"vlans": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vlans"].queryset = registrable_vlans()
        needing = registration_vlans()
        if needing:
            self.fields["vlans"].help_text = _(
                "With none ticked, the device is registered for every VLAN whose SSIDs need a registration: %(vlans)s."
            ) % {"vlans": "; ".join(f"{vlan} ({', '.join(ssids) or '-'})" for vlan, ssids in needing)}
        if self.instance.pk is None:
            self.initial["vlans"] = [vlan.pk for vlan, _ssids in needing]

    def clean_vlans(self):
        # A device registered for no VLAN would look registered while every VLAN says "not registered".
        return self.cleaned_data["vlans"] or self.fields["vlans"].queryset

    def save_registration(self) -> Device | None:
        """Validate and save under the participant's lock, so parallel requests cannot pass the device limit together;
        None if the form is invalid. A MAC that another request registered at the same moment is the form's plain
        "already registered" error, never a database error. Registering a MAC that this participant already has
        answers with their device: a retry after a failure whose outcome the client never saw must not fail."""
        try:
            with transaction.atomic():
                lock_participants({self.instance.participant_id})
                return self.save() if self.is_valid() else self._registered_already()
        except IntegrityError:
            # The other registration has committed by now, so validating again names it.
            self.full_clean()
            if not self.errors:
                self.add_error("mac", mac_taken_error(self.instance.mac))
            return None

    def _registered_already(self) -> Device | None:
        """The participant's own device with this MAC, whose DHCP nodes are asked again to include it: the first
        request may have committed and failed before asking them."""
        device = registered_already(self.instance, ValidationError(self.errors.as_data()))
        if device is not None:
            mark_dhcp_nodes_after_commit()
        return device


class PortalDeviceForm(DeviceForm):
    """A participant may learn that a MAC is taken, never by whom."""

    def _post_clean(self) -> None:
        super()._post_clean()
        mac_errors = self.errors.get("mac")
        if mac_errors and any(error.code == "mac_taken" for error in mac_errors.as_data()):
            # The same code, so that a retry of the participant's own registration is still recognised as one.
            self.errors["mac"] = self.error_class([ValidationError(
                _("This MAC address is already registered. If it is yours, ask the helpdesk."), code="mac_taken")])


class ExtendForm(forms.Form):
    hours = forms.IntegerField(label=_("extend by (hours)"), min_value=1, max_value=24 * 30, initial=24)


class RegistrationSettingsForm(forms.ModelForm):
    class Meta:
        model = RegistrationSettings
        fields = ["device_limit", "portal_registrations_per_hour"]


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    # The previewed file's text, posted back to import it.
    content = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_BYTES,
                              error_messages={"max_length": TOO_LARGE})

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_BYTES:  # refused before it is read
                raise forms.ValidationError(TOO_LARGE)
            cleaned["content"] = decode_csv(upload.read())
        return cleaned

    def csv_text(self) -> str:
        return self.cleaned_data.get("content") or ""
