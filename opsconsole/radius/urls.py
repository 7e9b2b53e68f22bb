from django.urls import path

from . import pages

app_name = "radius"
urlpatterns = [
    path("sessions/", pages.sessions, name="sessions"),
]
