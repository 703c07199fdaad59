"""Who may do what with contributions. Predicates of (person, object), used by services, views and templates."""

from dataclasses import dataclass

from agora.permissions import is_facilitator
from manifesto.permissions import is_collective_member, is_organiser


@dataclass(frozen=True)
class ContributionActor:
    """Who acts: a participant of a live session (or of the online space), a contributor whose
    address is confirmed, or a signed-in user (facilitator, collective, organiser) — any of them."""

    user: object | None = None
    participant: object | None = None  # agora.models.Participant
    contributor: object | None = None  # deliberation.contributions.models.Contributor

    @property
    def signed_in(self) -> bool:
        return getattr(self.user, "is_authenticated", False)

    @property
    def voter(self) -> str | None:
        """The one-voice key: a confirmed contributor, else the participant's browser (the same
        person across live sessions)."""
        if self.contributor is not None and self.contributor.is_confirmed:
            return f"contributor:{self.contributor.pk}"
        if self.participant is not None and self.participant.removed_at is None:
            return f"browser:{self.participant.browser_key}"
        return None

    @property
    def can_contribute(self) -> bool:
        return self.voter is not None


def is_editor(user, manifesto) -> bool:
    """The collective writes and answers; organisers too (a room-mode manifesto has no collective)."""
    return is_collective_member(user, manifesto) or is_organiser(user, manifesto)


def can_moderate(user, contribution) -> bool:
    """Hide, mark duplicate: the collective and organisers, and the facilitators of the agora it came from."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_editor(user, contribution.manifesto):
        return True
    return contribution.agora_id is not None and is_facilitator(user, contribution.agora)


def can_answer(user, contribution) -> bool:
    return is_editor(user, contribution.manifesto)


def can_view(actor: ContributionActor, contribution) -> bool:
    """Published and duplicate contributions are public; hidden and pending ones only for their
    author and the moderators."""
    if contribution.is_public:
        return True
    if actor.signed_in and can_moderate(actor.user, contribution):
        return True
    if actor.contributor is not None and contribution.contributor_id == actor.contributor.pk:
        return True
    return actor.participant is not None and contribution.participant_id == actor.participant.pk
