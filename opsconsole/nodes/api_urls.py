from django.urls import path

from . import api

app_name = "nodes-api"
urlpatterns = [
    path("<slug:name>/heartbeat/", api.heartbeat, name="heartbeat"),
    path("<slug:name>/secrets/", api.secrets, name="secrets"),
]
