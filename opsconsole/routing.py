"""WebSocket routes of every app's live pages."""
from django.urls import path

from opsconsole.nodes.consumers import LiveNodeConsumer, NodePageConsumer

websocket_urlpatterns = [
    path("ws/nodes/", LiveNodeConsumer.as_asgi()),
    path("ws/nodes/<slug:name>/", NodePageConsumer.as_asgi()),
]
