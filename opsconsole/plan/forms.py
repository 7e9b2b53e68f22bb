"""Editing forms; they show the models' own messages, so a page says exactly what the import and the admin say."""
from django import forms
from django.db import models, transaction

from .choices import Band, Family
from .models import Prefix, Ssid, Vlan, VlanFamily
from .validators import BAND_UNKNOWN, BANDS_NEEDED


class PlanForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if model_field.choices:
                form_field.error_messages["invalid_choice"] = model_field.error_messages["invalid_choice"]
            if model_field.error_messages["blank"] != models.Field.default_error_messages["blank"]:
                form_field.error_messages["required"] = model_field.error_messages["blank"]


class VlanFamilyForm(PlanForm):
    class Meta:
        model = VlanFamily
        fields = ("scope", "resolver", "allocation", "transition", "v6only_wait")


class VlanForm(PlanForm):
    """A VLAN with its IPv6 and IPv4 rows, validated and saved together."""

    class Meta:
        model = Vlan
        fields = ("vid", "name", "purpose")

    def __init__(self, data=None, instance: Vlan | None = None) -> None:
        super().__init__(data, instance=instance)
        rows = {row.family: row for row in self.instance.families.all()} if self.instance.pk else {}
        self.families = [
            VlanFamilyForm(data, instance=rows.get(family) or VlanFamily(family=family), prefix=family)
            for family in (Family.IPV6, Family.IPV4)
        ]
        for form in self.families:
            form.title = Family.label(form.instance.family)
        del self.families[0].fields["v6only_wait"]  # an IPv4 (DHCPv4 option 108) setting
        ipv6, ipv4 = (form.instance for form in self.families)
        ipv4.ipv6_row = ipv6  # validated first, so the IPv4 row's rules see the IPv6 row as submitted

    def is_valid(self) -> bool:
        return all([super().is_valid(), *(form.is_valid() for form in self.families)])

    @transaction.atomic
    def save(self, commit: bool = True) -> Vlan:
        vlan = super().save()
        for form in self.families:
            form.instance.vlan = vlan
            form.save()
        return vlan


class SsidForm(PlanForm):
    bands = forms.MultipleChoiceField(
        label=Ssid._meta.get_field("bands").verbose_name,
        choices=Band.choices(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": BAND_UNKNOWN, "required": BANDS_NEEDED},
    )

    class Meta:
        model = Ssid
        fields = ("essid", "hidden", "authentication", "wifi_password", "bands", "vlan")


class PrefixForm(PlanForm):
    class Meta:
        model = Prefix
        fields = ("network", "purpose", "vlan", "description")
