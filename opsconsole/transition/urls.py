from django.urls import path

from . import views

app_name = "transition"
urlpatterns = [
    path("", views.node_list, name="nodes"),
    path("map-calculator/", views.map_calculator, name="map-calculator"),
    path("nodes/<slug:name>/", views.node_detail, name="node"),
    path("nodes/<slug:name>/<slug:kind>/add/", views.role_add, name="role_add"),
    path("nodes/<slug:name>/<slug:kind>/<int:pk>/", views.role_edit, name="role_edit"),
    path("nodes/<slug:name>/<slug:kind>/<int:pk>/delete/", views.role_delete, name="role_delete"),
]
