from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgoraConfig(AppConfig):
    name = "agora"
    verbose_name = _("Agoras")

    def ready(self):
        from agora import commands  # noqa: F401  (registers the live room's commands)
        from agora import home  # noqa: F401  (the join box and "my agoras" on the home page)
        from agora import metrics
        from agora import roles
        from manifesto.journal import broadcast_failed

        roles.register()  # the facilitator role in manifesto's role registry
        roles.register_account_panel()  # my agoras and sessions on "Mon compte"

        broadcast_failed.connect(lambda **kwargs: metrics.broadcast_failed(), weak=False,
                                 dispatch_uid="agora-metrics-broadcast-failed")
