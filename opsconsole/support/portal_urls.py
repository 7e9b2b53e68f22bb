from django.urls import path

from . import portal

app_name = "support-portal"
urlpatterns = [
    path("", portal.my_reports, name="list"),
    path("<int:pk>/", portal.my_report, name="report"),
]
