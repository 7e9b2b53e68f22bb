from django.urls import path

from . import token_views

app_name = "api-tokens"
urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("new/", token_views.create, name="create"),
    path("<int:pk>/revoke/", token_views.revoke, name="revoke"),
]
