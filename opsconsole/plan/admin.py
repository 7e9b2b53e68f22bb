"""The plan in the Django admin; the models are audited, so admin changes land in the trail too."""
from django.contrib import admin

from .models import Prefix, Ssid, Vlan, VlanFamily


class VlanFamilyInline(admin.TabularInline):
    model = VlanFamily
    extra = 0
    max_num = 2


@admin.register(Vlan)
class VlanAdmin(admin.ModelAdmin):
    list_display = ("vid", "name", "purpose")
    search_fields = ("name", "purpose")
    inlines = [VlanFamilyInline]


@admin.register(Ssid)
class SsidAdmin(admin.ModelAdmin):
    list_display = ("essid", "hidden", "authentication", "vlan")
    list_filter = ("authentication", "hidden")


@admin.register(Prefix)
class PrefixAdmin(admin.ModelAdmin):
    list_display = ("network", "purpose", "vlan", "description")
    list_filter = ("purpose",)
    search_fields = ("network", "description")
