"""The one way to label a tracked write: who made it and why, as django-simple-history stores it.

Every service of every app calls `track` on an instance before saving (or deleting) it, so the
history row names its user and carries a change reason that fits the column.
"""

# django-simple-history stores the change reason in a 100-character column; PostgreSQL refuses
# a longer value (DataError), so a long reason ("Rejeté : <a long motive>", an amendment
# credited to an agora with a long title) is shortened with an ellipsis rather than failing.
MAX_REASON_LENGTH = 100
ELLIPSIS = "…"


def shorten_reason(reason: str | None) -> str:
    reason = reason or ""
    if len(reason) <= MAX_REASON_LENGTH:
        return reason
    return reason[: MAX_REASON_LENGTH - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _user_of(actor):
    """A user, an AnonymousUser, None, or an object carrying one as `.user` (deliberation's Actor)."""
    if actor is not None and not hasattr(actor, "is_authenticated") and hasattr(actor, "user"):
        actor = actor.user
    return actor if getattr(actor, "is_authenticated", False) else None


def track(instance, *, actor, reason: str):
    """Set the history user (None for anonymous actors) and the change reason; return the instance."""
    instance._history_user = _user_of(actor)
    instance._change_reason = shorten_reason(reason)
    return instance
