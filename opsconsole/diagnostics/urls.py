from django.urls import path

from . import views

app_name = "diagnostics"
urlpatterns = [
    path("", views.index, name="index"),
    path("aaaa/", views.run_aaaa, name="run_aaaa"),
    path("lame/", views.run_lame, name="run_lame"),
    path("dns64/", views.run_dns64, name="run_dns64"),
    path("pmtu/", views.run_pmtu, name="run_pmtu"),
    path("results/<int:pk>/", views.result, name="result"),
    path("results/<int:pk>/override/", views.add_override, name="add_override"),
    path("results/<int:pk>/attach/", views.attach, name="attach"),
    path("domains/", views.domains, name="domains"),
    path("reverse/", views.reverse_zones, name="reverse"),
    path("domains/<int:pk>/delete/", views.domain_delete, name="domain_delete"),
]
