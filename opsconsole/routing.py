"""WebSocket routes of every app's live pages."""
from django.urls import path

from opsconsole.dashboard.consumers import DashboardConsumer
from opsconsole.nodes.consumers import LiveNodeConsumer, NodePageConsumer
from opsconsole.radius.consumers import ParticipantRadiusConsumer

websocket_urlpatterns = [
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
    path("ws/nodes/", LiveNodeConsumer.as_asgi()),
    path("ws/nodes/<slug:name>/", NodePageConsumer.as_asgi()),
    path("ws/registration/participants/<int:pk>/", ParticipantRadiusConsumer.as_asgi()),
]
