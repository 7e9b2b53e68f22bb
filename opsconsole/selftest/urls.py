from django.urls import path

from . import views

app_name = "selftest"
urlpatterns = [
    path("", views.run, name="run"),
    path("probe/", views.probe, name="probe"),
    path("probe/large/", views.probe_large, name="probe-large"),
    path("results/", views.submit, name="submit"),
    path("summary/", views.summary, name="summary"),
]
