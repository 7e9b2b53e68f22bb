"""Live node list and node page: every change of a node reaches open pages as out-of-band swaps."""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_SESSION_KEY
from django.template.loader import render_to_string
from django.utils import translation

from .live import NODES_GROUP, node_group
from .models import GatewayNode


class LiveNodeConsumer(AsyncWebsocketConsumer):
    """Staff only; deltas are rendered in the reader's language, with the reader's CSRF token in their forms."""

    group = NODES_GROUP

    async def connect(self):
        if await self.admitted():
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()

    async def admitted(self) -> bool:
        """Refuse anyone but NOC and helpdesk; keep the reader's request for rendering."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_staff_member:
            await self.close(code=4403)
            return False
        self.reader = await database_sync_to_async(self.reader_request)()
        return True

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def node_changed(self, event):
        html = await self.render(event["node_id"])
        if html:
            await self.send(text_data=html)

    def reader_request(self) -> HttpRequest:
        """A request as the page was loaded: the language switch's cookie or Accept-Language, the CSRF secret."""
        request = HttpRequest()
        request.COOKIES = self.scope.get("cookies", {})
        request.user = self.scope["user"]
        headers = dict(self.scope.get("headers", ()))
        request.META["HTTP_ACCEPT_LANGUAGE"] = headers.get(b"accept-language", b"").decode("latin-1")
        session = self.scope.get("session")
        secret = (session.get(CSRF_SESSION_KEY) if settings.CSRF_USE_SESSIONS and session is not None
                  else request.COOKIES.get(settings.CSRF_COOKIE_NAME))
        if secret:
            request.META["CSRF_COOKIE"] = secret
        return request

    @database_sync_to_async
    def render(self, node_id: int) -> str:
        with translation.override(translation.get_language_from_request(self.reader)):
            return self.render_node(node_id)

    def render_node(self, node_id: int) -> str:
        from .views import row_for

        node = GatewayNode.objects.select_related("desired_revision", "applied_revision").filter(pk=node_id).first()
        if node is None:
            return ""
        return render_to_string("nodes/_row.html", {"row": row_for(node), "oob": True}, request=self.reader)


class NodePageConsumer(LiveNodeConsumer):
    """One node's page: its state, hashes, diff, pushes and revisions."""

    async def connect(self):
        name = self.scope["url_route"]["kwargs"]["name"]
        node_id = await database_sync_to_async(
            lambda: GatewayNode.objects.filter(name=name).values_list("pk", flat=True).first())()
        if node_id is None:
            await self.close(code=4404)
            return
        self.group = node_group(node_id)
        await super().connect()

    def render_node(self, node_id: int) -> str:
        from .views import detail_context

        node = GatewayNode.objects.filter(pk=node_id).first()
        if node is None:
            return ""
        return render_to_string("nodes/_detail_live.html", {**detail_context(node), "oob": True}, request=self.reader)
