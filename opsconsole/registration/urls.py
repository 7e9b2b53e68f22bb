from django.urls import path

from . import csv_views, views

app_name = "registration"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("participants/new/", views.participant_new, name="participant-new"),
    path("participants/<int:pk>/", views.participant_detail, name="participant"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant-edit"),
    path("participants/<int:pk>/devices/", views.device_register, name="device-register"),
    path("participants/<int:pk>/sign-in-code/", views.sign_in_code, name="sign-in-code"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device-edit"),
    path("devices/<int:pk>/remove/", views.device_remove, name="device-remove"),
    path("devices/<int:pk>/extend/", views.device_extend, name="device-extend"),
    path("import/", csv_views.csv_import, name="import"),
    path("settings/", views.limits, name="settings"),
]
