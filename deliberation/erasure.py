"""Erasing a live-session participant: their name goes from every place that holds it.

A participant's display name and organisation are personal data, and what they proposed or
supported is an opinion. Erasure keeps the deliberation readable — amendments, supports and the
text's history stay, credited to "[participant·e effacé·e]" — while the name disappears from:
the participant row, django-simple-history's change reasons ("Amendement n° 12 de Camille"),
the journal's payloads (amendments' `author`, queue and presence entries, comments) and the
stored replies of their commands. docs/privacy.md lists these places.

It lives in `deliberation`, the app that may see all three apps' models.
"""

import re
import secrets
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import registered_models

from agora.models import CommandReceipt, Connection, Participant, Registration
from deliberation.contributions.models import Contribution, ContributionComment
from deliberation.models import Amendment, Comment
from manifesto import page_cache
from manifesto.errors import PermissionDenied
from manifesto.models import Event
from manifesto.permissions import is_organiser

# Stored, not translated at display time: history and journal rows are written once.
ERASED_NAME = "[participant·e effacé·e]"
# Payload keys whose strings are the text under discussion, never a person's name: a name that
# is also a common word must not be rewritten inside the manifesto's own words.
TEXT_KEYS = {"text", "base_text", "diff_html", "justification", "current_text", "proposed_text"}


def _name_pattern(name: str) -> re.Pattern | None:
    name = name.strip()
    if len(name) < 2:
        return None  # too short to find without rewriting unrelated words; the row itself is erased
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def _rewrite(value, replace: Callable[[str], str], *, is_author: Callable[[dict], bool]):
    """A copy of a JSON value with the name replaced in every string that may hold it."""
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if key in TEXT_KEYS:
                copy[key] = item
            elif key in {"author", "display_name"} and isinstance(item, str) and is_author(value):
                copy[key] = ERASED_NAME
            elif key == "organisation" and isinstance(item, str) and is_author(value):
                copy[key] = ""
            else:
                copy[key] = _rewrite(item, replace, is_author=is_author)
        return copy
    if isinstance(value, list):
        return [_rewrite(item, replace, is_author=is_author) for item in value]
    if isinstance(value, str):
        return replace(value)
    return value


def _require_may_erase(actor, participant: Participant, *, own: bool) -> None:
    if own:
        return
    manifesto = participant.session.agora.manifesto
    if not is_organiser(actor, manifesto):
        raise PermissionDenied(_("Seul·es les organisateur·rices peuvent effacer les données d'une personne."))


@transaction.atomic
def erase_participant(*, actor, participant: Participant, own: bool = False) -> Participant:
    """Erase a participant's name everywhere; `own=True` when they ask it themselves from their session."""
    participant = Participant.objects.select_for_update().select_related("session__agora__manifesto").get(
        pk=participant.pk
    )
    _require_may_erase(actor, participant, own=own)
    return erase_locked(participant)


def erase_locked(participant: Participant) -> Participant:
    """The erasure itself, for a participant row already locked; the caller checked who may."""
    if participant.erased_at is not None:
        return participant
    pattern = _name_pattern(participant.display_name)

    def replace(text: str) -> str:
        return pattern.sub(ERASED_NAME, text) if pattern else text

    amendment_ids = set(Amendment.objects.filter(author=participant).values_list("pk", flat=True))
    comment_ids = set(Comment.objects.filter(author=participant).values_list("pk", flat=True))
    contribution_ids = set(Contribution.objects.filter(participant=participant).values_list("pk", flat=True))
    contribution_comment_ids = set(ContributionComment.objects.filter(participant=participant).values_list("pk", flat=True))

    def is_author(payload: dict) -> bool:
        """Does this payload dict stand for the participant (or something they wrote)?"""
        if payload.get("participant_id") == participant.pk:
            return True
        identifier = payload.get("id")
        if "display_name" in payload:  # a participant entry
            return identifier == participant.pk
        if "amendment_id" in payload and "stance" in payload:  # a comment
            return identifier in comment_ids
        if "contribution_id" in payload and "created_at" in payload:  # a comment on a contribution
            return identifier in contribution_comment_ids
        if "theme" in payload and "answer" in payload:  # a contribution
            return identifier in contribution_ids
        if "number" in payload and "kind" in payload:  # an amendment
            return identifier in amendment_ids
        return False

    manifesto_id = participant.session.agora.manifesto_id
    for event in Event.objects.filter(manifesto_id=manifesto_id).iterator():
        data = _rewrite(event.data, replace, is_author=is_author)
        if data != event.data:
            Event.objects.filter(pk=event.pk).update(data=data)  # the journal is not a tracked model
    for receipt in CommandReceipt.objects.filter(session__agora__manifesto_id=manifesto_id).iterator():
        reply = _rewrite(receipt.reply, replace, is_author=is_author)
        if reply != receipt.reply:
            CommandReceipt.objects.filter(pk=receipt.pk).update(reply=reply)
    if pattern:
        _rewrite_history_reasons(participant.display_name.strip(), pattern, amendment_numbers=set(
            Amendment.objects.filter(pk__in=amendment_ids).values_list("number", flat=True)
        ), manifesto_id=manifesto_id)

    # Open contributions copy their author's name (deliberation/contributions).
    Contribution.objects.filter(pk__in=contribution_ids).update(author_name=ERASED_NAME)
    ContributionComment.objects.filter(pk__in=contribution_comment_ids).update(author_name=ERASED_NAME)
    Connection.objects.filter(participant=participant).delete()
    # Names were rewritten in place, without a journal event: the cached public pages (which
    # hold amendments' authors and history reasons) must not serve them any more.
    transaction.on_commit(lambda: page_cache.forget(manifesto_id))
    participant.display_name = ERASED_NAME
    participant.organisation = ""
    participant.browser_key = secrets.token_urlsafe(24)  # the browser that held it is no longer them
    participant.device_key = ""
    participant.erased_at = timezone.now()
    participant.save(update_fields=["display_name", "organisation", "browser_key", "device_key", "erased_at"])
    return participant


def _rewrite_history_reasons(name: str, pattern: re.Pattern, *, amendment_numbers: set[int], manifesto_id: int) -> None:
    """Change reasons that name the participant: those that cite one of their amendments.

    Reasons are labels such as "Amendement n° 12 de Camille (Agora de Lille)"; a reason citing
    none of their amendments names somebody else, even if that person has the same name.
    """
    if not amendment_numbers:
        return
    cites = re.compile(r"n° ?(\d+)")
    for model in registered_models.values():
        history = model.history.model if hasattr(model, "history") else None
        if history is None or "manifesto_id" not in {f.attname for f in history._meta.concrete_fields}:
            continue
        rows = history.objects.filter(manifesto_id=manifesto_id, history_change_reason__contains=name)
        for row in rows.only("pk", "history_change_reason").iterator():
            reason = row.history_change_reason or ""
            if pattern.search(reason) and {int(n) for n in cites.findall(reason)} & amendment_numbers:
                history.objects.filter(pk=row.pk).update(history_change_reason=pattern.sub(ERASED_NAME, reason))


@transaction.atomic
def erase_registration(*, actor, registration: Registration) -> None:
    """An agora registration (name, email, organisation) erased on request: the row goes."""
    if not is_organiser(actor, registration.agora.manifesto):
        raise PermissionDenied(_("Seul·es les organisateur·rices peuvent effacer les données d'une personne."))
    registration.delete()
