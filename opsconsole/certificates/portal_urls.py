from django.urls import path

from . import portal

app_name = "certificates-portal"
urlpatterns = [
    path("", portal.certificates, name="list"),
    path("devices/<int:pk>/", portal.issue, name="issue"),
    path("<int:pk>/revoke/", portal.revoke, name="revoke"),
    path("wifi-password/", portal.wifi_password, name="wifi-password"),
]
