from django.urls import path

from . import views

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("new/", views.guide_edit, name="new"),
    path("<slug:slug>/", views.guide_detail, name="detail"),
    path("<slug:slug>/edit/", views.guide_edit, name="edit"),
]
