from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.table, name="table"),
    path("vlans/add/", views.vlan_edit, name="vlan-add"),
    path("vlans/<int:vid>/", views.vlan_edit, name="vlan-edit"),
    path("vlans/<int:vid>/delete/", views.vlan_delete, name="vlan-delete"),
    path("ssids/add/", views.ssid_edit, name="ssid-add"),
    path("ssids/<int:pk>/", views.ssid_edit, name="ssid-edit"),
    path("ssids/<int:pk>/delete/", views.ssid_delete, name="ssid-delete"),
    path("prefixes/add/", views.prefix_edit, name="prefix-add"),
    path("prefixes/<int:pk>/", views.prefix_edit, name="prefix-edit"),
    path("prefixes/<int:pk>/delete/", views.prefix_delete, name="prefix-delete"),
    path("export.yaml", views.export_yaml, name="export"),
    path("import/", views.import_yaml, name="import"),
]
