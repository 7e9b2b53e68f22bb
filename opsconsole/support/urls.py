from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/attach/", views.attach_result, name="attach"),
]
