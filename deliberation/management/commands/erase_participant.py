"""Erase a live-session participant's name everywhere, on a request the organisers received (by mail, in person).

    python manage.py erase_participant 42 --organiser alice

The participant's own browser can do it from the room page; this is for requests from elsewhere.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agora.models import Participant
from deliberation.erasure import erase_participant
from manifesto.errors import ServiceError


class Command(BaseCommand):
    help = "Efface le nom d'un·e participant·e partout (historique, journal, réponses), à sa demande."

    def add_arguments(self, parser):
        parser.add_argument("participant_id", type=int)
        parser.add_argument("--organiser", required=True, help="username of the organiser acting on the request")

    def handle(self, *args, participant_id, organiser, **options):
        participant = Participant.objects.filter(pk=participant_id).first()
        if participant is None:
            raise CommandError(f"No participant #{participant_id}.")
        actor = get_user_model().objects.filter(username=organiser).first()
        if actor is None:
            raise CommandError(f"No user {organiser!r}.")
        try:
            erase_participant(actor=actor, participant=participant)
        except ServiceError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"Participant #{participant_id} erased.")
