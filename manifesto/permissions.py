"""Permission predicates of (person, object), used alike by views, consumers and templates."""

from manifesto.models import Manifesto


def is_organiser(user, manifesto: Manifesto) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return manifesto.organisers.filter(pk=user.pk).exists()


def can_edit_text(user, manifesto: Manifesto) -> bool:
    """Organisers edit the text directly while it is being drafted, in a stage that allows it."""
    from manifesto import stages
    from manifesto.models import ManifestoStatus

    return (
        manifesto.status == ManifestoStatus.DRAFTING
        and is_organiser(user, manifesto)
        and stages.is_allowed(manifesto, "text.edit")
    )


def can_freeze_version(user, manifesto: Manifesto) -> bool:
    return is_organiser(user, manifesto)


def is_collective_member(user, manifesto: Manifesto) -> bool:
    """A member of the editorial collective (collectif de rédaction), who answers proposals and
    integrates them into the text in collective mode. Superusers count as members."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return manifesto.collective.filter(pk=user.pk).exists()


def can_manage_collective(user, manifesto: Manifesto) -> bool:
    """Organisers choose the decision mode and who sits on the collective."""
    return is_organiser(user, manifesto)


def can_create_text(user) -> bool:
    """Who may start a new text from the browser: superusers, and the people an administrator
    gave Django's `manifesto.add_manifesto` permission (directly or through a group)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm("manifesto.add_manifesto")
