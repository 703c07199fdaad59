"""The public signature counter: read-only, one group per manifesto, the full count in every frame."""

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

from manifesto.models import Manifesto
from manifesto.signatures import selectors


class SignatureCounterConsumer(WebsocketConsumer):
    """Anyone may watch; nothing is accepted from the client. Sync, because it reads the ORM."""

    def connect(self):
        manifesto_id = int(self.scope["url_route"]["kwargs"]["manifesto_id"])
        if not Manifesto.objects.filter(pk=manifesto_id).exists():
            self.close(code=4404)
            return
        self.manifesto_id = manifesto_id
        self.group = selectors.counter_group(manifesto_id)
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        self.accept()
        # The current count on (re)connect: whatever was missed while away is corrected here.
        self.send(text_data=selectors.counter_frame(manifesto_id))

    def disconnect(self, code):
        group = getattr(self, "group", None)
        if group:
                async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def receive(self, text_data=None, bytes_data=None):
        pass  # read-only

    def signatures_count(self, message):
        self.send(text_data=message["frame"])
