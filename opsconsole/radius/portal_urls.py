from django.urls import path

from . import pages

app_name = "radius-portal"
urlpatterns = [
    path("", pages.my_sessions, name="sessions"),
]
