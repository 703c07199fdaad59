"""The vote page's live turnout: read-only, anyone may watch, counts only."""

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from deliberation.adoption import broadcast, selectors
from deliberation.adoption.models import AdoptionVote, VoteState


class TurnoutConsumer(WebsocketConsumer):
    """Sync, because it reads the ORM. Nothing is accepted from the client."""

    def connect(self):
        vote_id = int(self.scope["url_route"]["kwargs"]["vote_id"])
        vote = AdoptionVote.objects.filter(pk=vote_id).exclude(state=VoteState.DRAFT).first()
        if vote is None:
            self.close(code=4404)
            return
        self.group = selectors.group_name(vote_id)
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        self.accept()
        # The current figures on (re)connect: whatever was missed while away is corrected here.
        self.send(text_data=broadcast.turnout_frame(vote_id, selectors.turnout(vote), closed=vote.is_closed))

    def disconnect(self, code):
        group = getattr(self, "group", None)
        if group:
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def receive(self, text_data=None, bytes_data=None):
        pass  # read-only

    def adoption_turnout(self, message):
        self.send(text_data=message["frame"])
