"""Permission predicates of (person, object) for agoras and live sessions."""

from manifesto.permissions import is_organiser


def is_facilitator(user, agora) -> bool:
    """Facilitators of the agora, organisers of its manifesto and superusers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return agora.facilitators.filter(pk=user.pk).exists() or is_organiser(user, agora.manifesto)


def can_manage_agoras(user, manifesto) -> bool:
    return is_organiser(user, manifesto)
