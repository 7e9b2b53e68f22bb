"""WebSocket routes of every app's live pages."""
websocket_urlpatterns: list = []
