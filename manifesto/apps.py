from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManifestoConfig(AppConfig):
    name = "manifesto"
    verbose_name = _("Manifeste")

    def ready(self):
        from manifesto import stage_outputs
        from manifesto.people import links  # noqa: F401  (the "Personnes" link of a text)

        stage_outputs.register()
