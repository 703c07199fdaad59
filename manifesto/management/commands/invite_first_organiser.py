"""manage.py invite_first_organiser EMAIL: email a link that makes the site's first organiser account.

The account made from the link is a superuser (it can create texts and invite everyone else
from the browser). Only this command writes that invitation: no page and no role can (docs/people.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from manifesto.errors import InvalidInput
from manifesto.people import services


class Command(BaseCommand):
    help = "Email EMAIL a single-use link to create the first organiser (superuser) account."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            invitation = services.invite_first_organiser(email=email)
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            f"Invitation sent to {invitation.email}; the link is valid {settings.INVITATION_DAYS} days "
            f"and starts with {settings.SITE_URL}/invitation/."
        )
