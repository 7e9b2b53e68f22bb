from django.urls import path

from . import views

app_name = "timeline"
urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("notes/", views.add_note, name="add-note"),
    path("export.csv", views.export, name="export"),
]
