from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.alerts, name="list"),
    path("rules/<int:pk>/", views.rule, name="rule"),
    path("channels/new/", views.add_channel, name="add-channel"),
    path("channels/<int:pk>/delete/", views.delete_channel, name="delete-channel"),
]
