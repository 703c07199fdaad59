"""Permission predicates of (person, object), used alike by services, views, consumers and templates.

A person in the room is either a participant (no account, bound to a browser) or a signed-in
user (a facilitator or an organiser), sometimes both: `Actor` carries whichever applies.
"""

from dataclasses import dataclass

from agora.models import LiveSession
from agora.permissions import is_facilitator
from manifesto import permissions as manifesto_permissions


@dataclass(frozen=True)
class Actor:
    user: object | None = None  # a signed-in user, if any
    participant: object | None = None  # agora.models.Participant, if any

    @classmethod
    def of(cls, viewer) -> "Actor":
        """Accept an Actor, a user (or AnonymousUser) or None."""
        if isinstance(viewer, Actor):
            return viewer
        return cls(user=viewer)

    @property
    def signed_in(self) -> bool:
        return getattr(self.user, "is_authenticated", False)


def can_moderate(actor: Actor, amendment) -> bool:
    """Accept, reject, merge, hide, reopen: the facilitators of the amendment's agora, or an organiser."""
    if not actor.signed_in:
        return False
    if amendment.session_id and is_facilitator(actor.user, amendment.session.agora):
        return True
    return manifesto_permissions.is_organiser(actor.user, amendment.manifesto)


def can_moderate_session(actor: Actor, session: LiveSession) -> bool:
    return actor.signed_in and is_facilitator(actor.user, session.agora)


def is_active_participant(actor: Actor, session: LiveSession) -> bool:
    participant = actor.participant
    return participant is not None and participant.session_id == session.pk and participant.removed_at is None


def is_author(actor: Actor, amendment) -> bool:
    if actor.participant is not None and amendment.author_id is not None:
        if actor.participant.pk == amendment.author_id:
            return True
        # The same browser is the same person, from one session to the next.
        author = amendment.author
        if author is not None and author.browser_key and author.browser_key == actor.participant.browser_key:
            return True
    if actor.signed_in and amendment.author_user_id == actor.user.pk:
        return True
    return False


def can_view_amendment(actor: Actor, amendment) -> bool:
    """Everyone sees amendments, except hidden ones: only their author and the moderators."""
    from deliberation.models import AmendmentState

    if amendment.state != AmendmentState.HIDDEN:
        return True
    return is_author(actor, amendment) or can_moderate(actor, amendment)


def can_edit_amendment(actor: Actor, amendment) -> bool:
    return amendment.is_open and is_author(actor, amendment)
