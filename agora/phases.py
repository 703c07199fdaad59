"""The phases of a live session, as data.

A phase says which commands it allows: each command declares its phases when it is
registered (agora.registry), and `command_allowed` is the one predicate that the consumer
and the HTTP services of every app ask.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from agora import registry
from agora.models import Phase


@dataclass(frozen=True)
class PhaseInfo:
    value: str
    label: str
    help: str


PHASES: dict[str, PhaseInfo] = {
    Phase.WELCOME: PhaseInfo(Phase.WELCOME, Phase.WELCOME.label, _("On se présente, on lit le texte en discussion.")),
    Phase.PROPOSALS: PhaseInfo(Phase.PROPOSALS, Phase.PROPOSALS.label, _("Chacun·e peut proposer des amendements.")),
    Phase.SUPPORTS: PhaseInfo(Phase.SUPPORTS, Phase.SUPPORTS.label, _("On soutient, on s'oppose, on vote.")),
    Phase.CLOSING: PhaseInfo(Phase.CLOSING, Phase.CLOSING.label, _("On fait le bilan de la séance.")),
}
ORDER = list(PHASES)


def label(phase: str) -> str:
    return str(PHASES[phase].label)


def command_allowed(session, command_type: str) -> bool:
    """May `command_type` run in `session` now? False for unknown commands and closed sessions."""
    spec = registry.lookup(command_type)
    if spec is None or session.closed_at is not None:
        return False
    return spec.phases is None or session.phase in spec.phases
