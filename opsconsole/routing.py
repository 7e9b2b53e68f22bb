"""WebSocket routes of every app's live pages."""
from django.urls import path

from opsconsole.nodes.consumers import NodeStateConsumer

websocket_urlpatterns = [path("ws/nodes/", NodeStateConsumer.as_asgi())]
