from django.urls import path

from . import views

app_name = "nodes"
urlpatterns = [
    path("", views.node_list, name="list"),
    path("<slug:name>/", views.node_detail, name="detail"),
    path("<slug:name>/push/", views.push_now, name="push"),
    path("<slug:name>/rollback/<int:number>/", views.roll_back, name="rollback"),
]
