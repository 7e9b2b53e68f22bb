from django.urls import path

from . import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("sign-in/", portal.sign_in, name="sign-in"),
    path("sign-out/", portal.sign_out, name="sign-out"),
    path("devices/", portal.register, name="register"),
    path("devices/<int:pk>/", portal.device_edit, name="device"),
    path("devices/<int:pk>/remove/", portal.device_remove, name="device-remove"),
    path("find-mac/", portal.find_mac, name="find-mac"),
]
