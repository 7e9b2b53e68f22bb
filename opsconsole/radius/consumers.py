"""The helpdesk's participant page, live: RADIUS answers and sessions as FreeRADIUS writes them (see live.py)."""
from channels.db import database_sync_to_async
from django.template.loader import render_to_string

from opsconsole.nodes.consumers import LiveNodeConsumer
from opsconsole.registration.models import Participant

from .live import participant_group
from .outcomes import participant_radius


class ParticipantRadiusConsumer(LiveNodeConsumer):
    """Staff only, in the reader's language, as the node pages are."""

    async def connect(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]
        if not await database_sync_to_async(Participant.objects.filter(pk=pk).exists)():
            await self.close(code=4404)
            return
        self.group = participant_group(pk)
        await super().connect()

    async def radius_changed(self, event):
        html = await self.render(event["participant_id"])
        if html:
            await self.send(text_data=html)

    def render_node(self, participant_id: int) -> str:
        participant = Participant.objects.filter(pk=participant_id).first()
        if participant is None:
            return ""
        return render_to_string("radius/_participant_live.html", {**participant_radius(participant), "oob": True},
                                request=self.reader)
