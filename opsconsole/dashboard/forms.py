from django import forms

from .models import Uplink, WallSetting


class UplinkForm(forms.ModelForm):
    class Meta:
        model = Uplink
        fields = ["device", "interface", "label", "capacity_mbps"]


class WallSettingForm(forms.ModelForm):
    class Meta:
        model = WallSetting
        fields = ["public_wall"]
