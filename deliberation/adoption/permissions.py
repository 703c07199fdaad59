"""Who may run an adoption vote: the manifesto's organisers. Used by views, templates and services."""

from manifesto.permissions import is_organiser


def can_manage_vote(user, manifesto) -> bool:
    return is_organiser(user, manifesto)


def can_see_roll(user, manifesto) -> bool:
    """The roll holds personal data (names, addresses): organisers only."""
    return is_organiser(user, manifesto)
