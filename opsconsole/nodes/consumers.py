"""Live node list: every change of a node reaches open pages as an out-of-band row swap."""
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from .live import NODES_GROUP
from .models import GatewayNode


class NodeStateConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_staff_member:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(NODES_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(NODES_GROUP, self.channel_name)

    async def node_changed(self, event):
        html = await self.render_row(event["node_id"])
        if html:
            await self.send(text_data=html)

    @database_sync_to_async
    def render_row(self, node_id: int) -> str:
        from .views import row_for

        node = GatewayNode.objects.select_related("desired_revision", "applied_revision").filter(pk=node_id).first()
        if node is None:
            return ""
        return render_to_string("nodes/_row.html", {"row": row_for(node), "oob": True})
