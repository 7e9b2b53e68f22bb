from django.contrib.auth import views as auth_views
from django.urls import path

from . import lockouts, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lockouts/", lockouts.lockouts, name="lockouts"),
    path("lockouts/unlock/", lockouts.unlock, name="unlock"),
]
