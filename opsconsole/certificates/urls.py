from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("ca.pem", views.ca_certificate, name="ca"),
    path("crl.pem", views.revocation_list, name="crl"),
    path("expiring/", views.expiring, name="expiring"),
    path("devices/<int:pk>/issue/", views.reissue, name="reissue"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
