"""A person's own account: address, language, deletion (docs/people.md, docs/privacy.md)."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.models import registered_models

from manifesto import page_cache
from manifesto.errors import InvalidInput, PermissionDenied
from manifesto.models import Invitation, Manifesto, Profile, RoleAction, RoleChange
from manifesto.people import roles
from manifesto.signatures.validation import clean_email, normalise_email

# Stored, not translated at display time: history rows are written once.
DELETED_ACCOUNT = "[compte supprimé]"


def _check_password(actor, password: str) -> None:
    if not actor.check_password(password or ""):
        raise InvalidInput(_("Ce mot de passe n'est pas le bon : rien n'a été changé."))


def preferred_language(user) -> str:
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else ""


@transaction.atomic
def set_language(*, actor, language: str) -> Profile:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput(_("Choisissez une langue parmi celles proposées."))
    profile, _created = Profile.objects.update_or_create(user=actor, defaults={"language": language})
    return profile


@transaction.atomic
def change_email(*, actor, email: str, password: str):
    _check_password(actor, password)
    try:
        address = clean_email(email)
    except Exception:  # ValidationError with its sentence
        raise InvalidInput(_("Cette adresse électronique n'est pas valide.")) from None
    if get_user_model().objects.filter(email__iexact=address).exclude(pk=actor.pk).exists():
        raise InvalidInput(_("Un autre compte utilise déjà cette adresse."))
    actor.email = address
    actor.save(update_fields=["email"])
    return actor


def _sole_organiser_of(user) -> list[Manifesto]:
    return [
        manifesto for manifesto in user.organised_manifestos.all() if manifesto.organisers.count() == 1
    ]


def _rewrite_own_history_reasons(user) -> set[int]:
    """History reasons the person wrote under their own name ("Réécrit par Odile Martin …"): the
    name becomes DELETED_ACCOUNT. Only rows whose history user is them, so a namesake stays."""
    names = {name for name in (user.get_full_name().strip(), user.get_username()) if len(name) >= 2}
    touched: set[int] = set()
    for model in registered_models.values():
        history = model.history.model if hasattr(model, "history") else None
        if history is None:
            continue
        has_manifesto = "manifesto_id" in {field.attname for field in history._meta.concrete_fields}
        for name in sorted(names, key=len, reverse=True):
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
            rows = history.objects.filter(history_user_id=user.pk, history_change_reason__contains=name)
            for row in rows.iterator():
                reason = pattern.sub(DELETED_ACCOUNT, row.history_change_reason or "")
                history.objects.filter(pk=row.pk).update(history_change_reason=reason)
                if has_manifesto:
                    touched.add(row.manifesto_id)
    return touched


@transaction.atomic
def delete_account(*, actor, password: str) -> None:
    """Delete the person's account, after their password.

    Refused while they are the last organiser of a text (someone must be able to manage it) or
    the last superuser. Their roles are revoked and recorded; the audit keeps that a deleted
    account held them, without its name; invitations to their address go; history rows keep
    their changes with no user, and the reasons they wrote under their name lose it.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=actor.pk)
    _check_password(user, password)
    sole = _sole_organiser_of(user)
    if sole:
        raise PermissionDenied(
            _("Vous êtes la seule personne qui organise « %(title)s » : invitez un·e co-organisateur·rice avant de supprimer votre compte.")
            % {"title": sole[0].title}
        )
    if user.is_superuser and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        raise PermissionDenied(_("Vous êtes le seul compte d'administration du site : créez-en un autre avant de supprimer le vôtre."))
    for kind in roles.all_kinds():
        for manifesto, holding in kind.held_by(user):
            kind.revoke(user, manifesto, holding.targets, user)
            RoleChange.objects.create(
                manifesto=manifesto, user=None, user_label="", role=kind.code, targets=list(holding.targets),
                action=RoleAction.REVOKED, actor=None,
            )
    RoleChange.objects.filter(user=user).update(user_label="")
    Invitation.objects.filter(email=normalise_email(user.email or "")).exclude(email="").delete()
    Invitation.objects.filter(accepted_by=user).delete()
    touched = _rewrite_own_history_reasons(user)
    for manifesto_id in touched:
        transaction.on_commit(lambda manifesto_id=manifesto_id: page_cache.forget(manifesto_id))
    user.delete()
