"""Who may manage the people of a text (docs/people.md)."""

from manifesto.permissions import is_organiser


def can_manage_people(user, manifesto) -> bool:
    """Organisers of this text (and superusers) invite, resend, revoke. A facilitator or a
    member of the collective never grants roles."""
    return manifesto is not None and is_organiser(user, manifesto)
