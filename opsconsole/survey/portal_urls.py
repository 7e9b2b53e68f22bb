from django.urls import path

from . import views

app_name = "survey-portal"
urlpatterns = [path("", views.answer, name="answer")]
