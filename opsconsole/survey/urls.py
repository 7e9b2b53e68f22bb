from django.urls import path

from . import views

app_name = "survey"
urlpatterns = [
    path("", views.results, name="results"),
    path("export/", views.export, name="export"),
    path("questions/new/", views.question_edit, name="question-new"),
    path("questions/<int:pk>/", views.question_edit, name="question"),
]
