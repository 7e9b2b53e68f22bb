from django.urls import path

from . import views

app_name = "metrics"
urlpatterns = [
    path("metrics", views.metrics, name="metrics"),
    path("metrics/tokens/", views.tokens, name="tokens"),
    path("metrics/tokens/<int:pk>/delete/", views.delete_token, name="delete-token"),
]
