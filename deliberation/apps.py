from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Délibération")

    def ready(self):
        # Registers deliberation's live commands with the live room (agora.registry).
        from deliberation import commands  # noqa: F401
        # Lists the clause's amendments on manifesto's clause page.
        from deliberation import panels  # noqa: F401
        # The collective's progress bar on manifesto's reading page.
        from deliberation.answers import views  # noqa: F401
