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
        # Says which amendments each revision of a clause came from (manifesto.provenance).
        from deliberation import provenance  # noqa: F401
        # The collective's progress bar on manifesto's reading page.
        from deliberation.answers import views  # noqa: F401
        # The answers' Atom feed, announced on the reading page beside the text's own.
        from deliberation.answers import feeds  # noqa: F401
        # Open contributions: live commands, the article's panel, the timeline's counts.
        from deliberation.contributions import commands as contribution_commands  # noqa: F401
        from deliberation.contributions import panels as contribution_panels
        from deliberation.contributions import provenance as contribution_provenance  # noqa: F401

        contribution_panels.register()
        # What the agoras and the synthesis produced, on the public timeline.
        from deliberation import stage_outputs

        stage_outputs.register()
        # The adoption vote's result and the signing call on the manifesto's page.
        from deliberation.adoption import panels as adoption_panels  # noqa: F401
        # The vote on the public timeline, and the guard against going back over it.
        from deliberation.adoption import stage_outputs as adoption_stage_outputs

        adoption_stage_outputs.register()
        # The editorial desk's entry on the reading page, for members of the collective.
        from deliberation.editorial import panels as editorial_panels  # noqa: F401
        # The figures page in the manifesto's navigation; the report and booklet on an agora's page.
        from deliberation.publishing import links as publishing_links

        publishing_links.register()
        # The desk, the collective and the exports on the home page, for organisers.
        from deliberation import home  # noqa: F401
