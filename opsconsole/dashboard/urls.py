from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/", views.dashboard, name="home"),
    path("dashboard/wall-setting/", views.wall_setting, name="wall-setting"),
    path("dashboard/uplinks/", views.uplinks, name="uplinks"),
    path("dashboard/uplinks/<int:pk>/remove/", views.uplink_remove, name="uplink-remove"),
    path("wall/", views.wall, name="wall"),
    path("wall/panels/", views.wall_panels, name="wall-panels"),
]
