"""Writes of open contributions: the only place that changes contributions, their supports,
comments, moderation, answers and the articles drawn from them.

Every function runs in one transaction, checks who may act and whether the manifesto's stage
allows it (manifesto.stages), writes, and journals an event (manifesto.journal.record_event),
broadcast on commit. Pending contributions (address not yet confirmed) are never journaled:
they are published, and journaled, when the link is clicked.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from agora.models import LiveSession, Participant
from deliberation.contributions import permissions, selectors
from deliberation.contributions.models import (
    Contribution,
    ContributionComment,
    ContributionLink,
    ContributionOutcome,
    ContributionState,
    ContributionSupport,
    Contributor,
)
from deliberation.contributions.permissions import ContributionActor
from manifesto import services as text_services
from manifesto.errors import InvalidInput, InvalidToken, PermissionDenied, RateLimited, ServiceError
from manifesto import journal
from manifesto.journal import record_event
from manifesto.models import Clause, EssFamily, Manifesto, Section
from manifesto.services import in_site_language
from manifesto.signatures import ratelimit
from manifesto.signatures.territories import TERRITORY_NAMES, DEPARTEMENTS
from manifesto.stages import require_allowed

MAX_TITLE_LENGTH = 200
MAX_TEXT_LENGTH = 4000
MAX_THEME_LENGTH = 120
MAX_COMMENT_LENGTH = 1000
MAX_REASON_LENGTH = 500
MAX_NAME_LENGTH = 60
SUPPORT_VALUES = ("pour", "contre", "abstention")
_DEPARTEMENT_NAMES = dict(DEPARTEMENTS)


class ContributionClosed(ServiceError):
    code = "contribution_closed"
    default_message = _lazy("Cette contribution n'est pas ouverte aux soutiens.")


# ------------------------------------------------------------------------- helpers


def _clean(text: str, *, max_length: int, label: str, empty_message: str | None = None) -> str:
    text = text_services.normalise_text(text)
    if empty_message and not text:
        raise InvalidInput(empty_message)
    if len(text) > max_length:
        raise InvalidInput(_("%(label)s dépasse %(max)d caractères.") % {"label": label, "max": max_length})
    return text


def _clean_line(text: str, *, max_length: int, label: str, empty_message: str | None = None) -> str:
    return _clean(" ".join((text or "").split()), max_length=max_length, label=label, empty_message=empty_message)


def _journal(event_type: str, contribution: Contribution, **extra) -> None:
    record_event(
        manifesto_id=contribution.manifesto_id,
        type=event_type,
        data={"contribution": selectors.public_data(contribution), "session_id": contribution.session_id, **extra},
    )


def _next_number(manifesto: Manifesto) -> int:
    return (Contribution.objects.filter(manifesto=manifesto).aggregate(m=Max("number"))["m"] or 0) + 1


def _theme(manifesto: Manifesto, section: Section | None, new_theme: str, clause: Clause | None):
    new_theme = _clean_line(new_theme, max_length=MAX_THEME_LENGTH, label=_("Le thème"))
    if clause is not None:
        if clause.manifesto_id != manifesto.pk:
            raise InvalidInput(_("Cet article n'appartient pas à ce manifeste."))
        section = section or clause.section
        if clause.section_id != section.pk:
            raise InvalidInput(_("L'article choisi n'est pas dans ce thème."))
    if section is not None and section.manifesto_id != manifesto.pk:
        raise InvalidInput(_("Ce thème n'appartient pas à ce manifeste."))
    if section is None and not new_theme:
        raise InvalidInput(_("Choisissez un thème du manifeste, ou nommez un nouveau thème."))
    if section is not None:
        new_theme = ""
    return section, new_theme


def _participant_manifesto(participant: Participant) -> int:
    return LiveSession.objects.filter(pk=participant.session_id).values_list("agora__manifesto_id", flat=True).get()


def _require_author(actor: ContributionActor, manifesto: Manifesto) -> None:
    if actor.contributor is not None:
        if actor.contributor.manifesto_id != manifesto.pk or not actor.contributor.is_confirmed:
            raise PermissionDenied(_("Confirmez d'abord votre adresse e-mail."))
        return
    participant = actor.participant
    if participant is None:
        raise PermissionDenied(_("Identifiez-vous pour contribuer : rejoignez une séance ou confirmez votre adresse e-mail."))
    if Participant.objects.filter(pk=participant.pk, removed_at__isnull=False).exists():
        raise PermissionDenied(_("Vous avez été retiré·e de cette séance."))
    if _participant_manifesto(participant) != manifesto.pk:
        raise PermissionDenied(_("Votre séance ne porte pas sur ce manifeste."))


def _author_fields(actor: ContributionActor) -> dict:
    if actor.contributor is not None:
        c = actor.contributor
        return {
            "contributor": c,
            "author_name": c.display_name,
            "ess_family": c.ess_family,
            "territory": _DEPARTEMENT_NAMES.get(c.territory, str(TERRITORY_NAMES.get(c.territory, ""))),
        }
    p = Participant.objects.select_related("session__agora").get(pk=actor.participant.pk)
    agora = p.session.agora
    return {
        "participant": p,
        "session": p.session,
        "agora": agora,
        "author_name": p.display_name,
        "ess_family": p.ess_family,
        "territory": agora.departement or agora.region,
    }


# ------------------------------------------------------------------------- posting


@transaction.atomic
def post_contribution(
    *,
    actor: ContributionActor,
    manifesto: Manifesto,
    title: str,
    text: str,
    section: Section | None = None,
    new_theme: str = "",
    clause: Clause | None = None,
) -> Contribution:
    """A participant (in the room or the online space) or a confirmed contributor posts a
    contribution; it is public at once."""
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    require_allowed(manifesto, "contribution.post")
    _require_author(actor, manifesto)
    contribution = _build(manifesto, title=title, text=text, section=section, new_theme=new_theme, clause=clause)
    for field, value in _author_fields(actor).items():
        setattr(contribution, field, value)
    contribution.state = ContributionState.PUBLISHED
    contribution.published_at = timezone.now()
    contribution.save()
    _journal("contribution.posted", contribution)
    return contribution


def _build(manifesto, *, title, text, section, new_theme, clause) -> Contribution:
    title = _clean_line(title, max_length=MAX_TITLE_LENGTH, label=_("Le titre"), empty_message=_("Donnez un titre à votre contribution."))
    text = _clean(text, max_length=MAX_TEXT_LENGTH, label=_("Le texte"), empty_message=_("Écrivez votre contribution."))
    section, new_theme = _theme(manifesto, section, new_theme, clause)
    return Contribution(
        manifesto=manifesto,
        number=_next_number(manifesto),
        title=title,
        text=text,
        section=section,
        new_theme=new_theme,
        clause=clause,
        clause_number=clause.number if clause is not None else None,
    )


# ------------------------------------------------------------------------- online identity (double opt-in)


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link_token(contributor_id: int) -> str | None:
    """A fresh single-use token (the previous link stops working); only its hash is stored."""
    token = new_token()
    expires = timezone.now() + datetime.timedelta(days=settings.SIGNATURE_TOKEN_DAYS)
    updated = Contributor.objects.filter(pk=contributor_id).update(token_hash=hash_token(token), token_expires_at=expires)
    return token if updated else None


def _clean_identity(*, email: str, display_name: str, organisation: str, ess_family: str, territory: str) -> dict:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Indiquez une adresse e-mail valide.")) from None
    name = _clean_line(display_name, max_length=MAX_NAME_LENGTH, label=_("Le nom"), empty_message=_("Indiquez votre nom."))
    if ess_family and ess_family not in EssFamily.values:
        raise InvalidInput(_("Famille de l'ESS inconnue."))
    if territory and territory not in TERRITORY_NAMES:
        raise InvalidInput(_("Territoire inconnu."))
    organisation = _clean_line(organisation, max_length=200, label=_("L'organisation"))
    return {"email": email, "display_name": name, "organisation": organisation, "ess_family": ess_family, "territory": territory}


def _enqueue_confirmation(contributor_id: int) -> None:
    from deliberation.contributions.tasks import send_contributor_link

    transaction.on_commit(lambda: send_contributor_link.enqueue(contributor_id))


@transaction.atomic
def request_link(
    *,
    manifesto: Manifesto,
    email: str,
    display_name: str,
    organisation: str = "",
    ess_family: str = "",
    territory: str = "",
    ip: str | None,
    contribution: dict | None = None,
) -> Contribution | None:
    """Someone online gives their address (and maybe a contribution): they get a confirmation
    link by email; clicking it confirms the address, binds their browser, and publishes what
    they wrote meanwhile. Nothing is public before that click.

    `contribution`: {"title", "text", "section", "new_theme", "clause"} or None (to support and comment only).
    """
    if not ratelimit.hit(scope="contribute", ip=ip):
        raise RateLimited()
    action = "contribution.post" if contribution is not None else "contribution.support"
    require_allowed(manifesto, action)
    identity = _clean_identity(email=email, display_name=display_name, organisation=organisation, ess_family=ess_family, territory=territory)
    pending = None
    if contribution is not None:
        manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
        pending = _build(manifesto, **contribution)
    try:
        with transaction.atomic():
            contributor, created = Contributor.objects.get_or_create(
                manifesto=manifesto, email=identity["email"], defaults=identity
            )
    except IntegrityError:
        contributor = Contributor.objects.get(manifesto=manifesto, email=identity["email"])
    if not contributor.is_confirmed:
        # Until the address is confirmed, the latest details given are the ones kept.
        for field in ("display_name", "organisation", "ess_family", "territory"):
            setattr(contributor, field, identity[field])
    contributor.emails_sent += 1
    contributor.save()
    if pending is not None:
        for field, value in _author_fields(ContributionActor(contributor=contributor)).items():
            setattr(pending, field, value)
        pending.state = ContributionState.PENDING
        pending.save()
    _enqueue_confirmation(contributor.pk)
    return pending


@transaction.atomic
def confirm(*, token: str) -> Contributor:
    """Confirm the address the token was sent to; publish its pending contributions."""
    if not token or len(token) > 100:
        raise InvalidToken()
    contributor = Contributor.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    now = timezone.now()
    if contributor is None or contributor.token_expires_at is None or contributor.token_expires_at <= now:
        raise InvalidToken()
    contributor.token_hash = None
    contributor.token_expires_at = None
    contributor.confirmed_at = contributor.confirmed_at or now
    contributor.save(update_fields=["token_hash", "token_expires_at", "confirmed_at"])
    pending = list(
        Contribution.objects.select_for_update().filter(contributor=contributor, state=ContributionState.PENDING).order_by("number")
    )
    for contribution in pending:
        contribution.state = ContributionState.PUBLISHED
        contribution.published_at = now
        contribution.save(update_fields=["state", "published_at"])
        _journal("contribution.posted", contribution)
    return contributor


# ------------------------------------------------------------------------- supports and comments


def _public(contribution: Contribution) -> Contribution:
    contribution = Contribution.objects.select_related("manifesto").get(pk=contribution.pk)
    if contribution.state != ContributionState.PUBLISHED:
        raise ContributionClosed()
    return contribution


@transaction.atomic
def set_support(*, actor: ContributionActor, contribution: Contribution, value: str) -> ContributionSupport:
    """Say pour, contre or abstention; saying it again replaces the voice. One voice per person,
    held by a unique constraint on (contribution, voter)."""
    if value not in SUPPORT_VALUES:
        raise InvalidInput(_("Choisissez pour, contre ou abstention."))
    contribution = _public(contribution)
    require_allowed(contribution.manifesto, "contribution.support")
    _require_author(actor, contribution.manifesto)
    fields = _author_fields(actor)
    defaults = {
        "value": value,
        "participant": fields.get("participant"),
        "contributor": fields.get("contributor"),
        "ess_family": fields["ess_family"],
        "territory": fields["territory"],
    }
    # get_or_create inserts in a savepoint: when two tabs of one person insert at once, one
    # insert fails on the constraint and that call reads the other's row, then updates it.
    support, created = ContributionSupport.objects.get_or_create(contribution=contribution, voter=actor.voter, defaults=defaults)
    if not created:
        support = ContributionSupport.objects.select_for_update().get(pk=support.pk)
        if support.value == value:
            return support
        support.value = value
        support.save(update_fields=["value", "updated_at"])
    journal.lock(contribution.manifesto_id)  # count after every earlier voice has committed
    totals, by_family = selectors.support_totals(contribution)
    record_event(
        manifesto_id=contribution.manifesto_id,
        type="contribution.support_changed",
        data={"contribution_id": contribution.pk, "session_id": contribution.session_id, "totals": totals, "by_family": by_family},
    )
    return support


@transaction.atomic
def add_comment(*, actor: ContributionActor, contribution: Contribution, text: str) -> ContributionComment:
    text = _clean(text, max_length=MAX_COMMENT_LENGTH, label=_("Le commentaire"), empty_message=_("Écrivez votre commentaire."))
    contribution = _public(contribution)
    require_allowed(contribution.manifesto, "contribution.comment")
    _require_author(actor, contribution.manifesto)
    fields = _author_fields(actor)
    comment = ContributionComment.objects.create(
        contribution=contribution,
        participant=fields.get("participant"),
        contributor=fields.get("contributor"),
        author_name=fields["author_name"],
        text=text,
    )
    record_event(
        manifesto_id=contribution.manifesto_id,
        type="contribution.commented",
        data={"comment": selectors.comment_data(comment), "session_id": contribution.session_id},
    )
    return comment


# ------------------------------------------------------------------------- moderation (any stage)


def _locked(contribution: Contribution) -> Contribution:
    return Contribution.objects.select_for_update(of=("self",)).select_related("manifesto", "agora").get(pk=contribution.pk)


def _require_moderator(user, contribution: Contribution) -> None:
    if not permissions.can_moderate(user, contribution):
        raise PermissionDenied(_("Seuls le collectif de rédaction et les animateur·rices de l'agora peuvent modérer les contributions."))


def _clean_reason(reason: str) -> str:
    return _clean(reason, max_length=MAX_REASON_LENGTH, label=_("Le motif"), empty_message=_("Indiquez un motif."))


@transaction.atomic
def hide_contribution(*, actor, contribution: Contribution, reason: str) -> Contribution:
    """Hide a contribution with a reason: only its author and the moderators still see it."""
    contribution = _locked(contribution)
    _require_moderator(actor, contribution)
    if contribution.state == ContributionState.HIDDEN:
        raise InvalidInput(_("Cette contribution est déjà masquée."))
    contribution.moderation_reason = _clean_reason(reason)
    contribution.state = ContributionState.HIDDEN
    contribution.moderated_by, contribution.moderated_at = actor, timezone.now()
    contribution.save()
    _journal("contribution.moderated", contribution)
    return contribution


@transaction.atomic
def mark_duplicate(*, actor, contribution: Contribution, duplicate_of: Contribution) -> Contribution:
    contribution = _locked(contribution)
    _require_moderator(actor, contribution)
    if duplicate_of.pk == contribution.pk or duplicate_of.manifesto_id != contribution.manifesto_id:
        raise InvalidInput(_("Choisissez une autre contribution de ce manifeste."))
    if duplicate_of.duplicate_of_id == contribution.pk:
        raise InvalidInput(_("Ces deux contributions ne peuvent pas être doublons l'une de l'autre."))
    contribution.state = ContributionState.DUPLICATE
    contribution.duplicate_of = duplicate_of
    contribution.moderation_reason = ""
    contribution.moderated_by, contribution.moderated_at = actor, timezone.now()
    contribution.save()
    _journal("contribution.moderated", contribution)
    return contribution


@transaction.atomic
def restore_contribution(*, actor, contribution: Contribution) -> Contribution:
    """Undo a hiding or a duplicate marking."""
    contribution = _locked(contribution)
    _require_moderator(actor, contribution)
    if contribution.state not in (ContributionState.HIDDEN, ContributionState.DUPLICATE):
        raise InvalidInput(_("Cette contribution n'est ni masquée ni marquée comme doublon."))
    contribution.state = ContributionState.PUBLISHED
    contribution.duplicate_of = None
    contribution.moderation_reason = ""
    contribution.moderated_by, contribution.moderated_at = actor, timezone.now()
    contribution.save()
    _journal("contribution.moderated", contribution)
    return contribution


# ------------------------------------------------------------------------- the collective's answers


def _require_editor(user, manifesto: Manifesto) -> None:
    if not permissions.is_editor(user, manifesto):
        raise PermissionDenied(_("Seul le collectif de rédaction répond aux contributions."))


@transaction.atomic
def set_aside(*, actor, contribution: Contribution, reason: str) -> Contribution:
    """Answer: écartée, with a public reason."""
    contribution = _locked(contribution)
    _require_editor(actor, contribution.manifesto)
    require_allowed(contribution.manifesto, "contribution.answer")
    if not contribution.is_public:
        raise InvalidInput(_("On ne répond qu'aux contributions publiées."))
    if contribution.links.exists():
        raise InvalidInput(_("Cette contribution est reprise dans un article : retirez d'abord ce lien."))
    contribution.outcome = ContributionOutcome.SET_ASIDE
    contribution.outcome_reason = _clean_reason(reason)
    contribution.answered_by, contribution.answered_at = actor, timezone.now()
    contribution.save()
    _journal("contribution.answered", contribution)
    return contribution


def _link(contribution: Contribution, clause: Clause, actor, revision: int | None) -> bool:
    _, created = ContributionLink.objects.get_or_create(
        contribution=contribution, clause_number=clause.number, defaults={"clause": clause, "created_by": actor, "revision": revision}
    )
    contribution.outcome = ContributionOutcome.TAKEN_UP
    contribution.outcome_reason = ""
    contribution.answered_by, contribution.answered_at = actor, timezone.now()
    contribution.save()
    _journal("contribution.answered", contribution)
    return created


def _contributions_for(manifesto: Manifesto, contributions) -> list[Contribution]:
    ids = sorted({c.pk for c in contributions})
    if not ids:
        raise InvalidInput(_("Choisissez au moins une contribution."))
    found = list(
        Contribution.objects.select_for_update(of=("self",)).select_related("manifesto").filter(pk__in=ids, manifesto=manifesto).order_by("number")
    )
    if len(found) != len(ids):
        raise InvalidInput(_("Une de ces contributions n'appartient pas à ce manifeste."))
    if any(not c.is_public for c in found):
        raise InvalidInput(_("On ne reprend que des contributions publiées."))
    return found


@transaction.atomic
def link_to_article(*, actor, manifesto: Manifesto, clause: Clause, contributions) -> list[Contribution]:
    """Say that an article draws on these contributions (without rewriting it); each gets its answer."""
    _require_editor(actor, manifesto)
    require_allowed(manifesto, "contribution.answer")
    if clause.manifesto_id != manifesto.pk:
        raise InvalidInput(_("Cet article n'appartient pas à ce manifeste."))
    found = _contributions_for(manifesto, contributions)
    for contribution in found:
        _link(contribution, clause, actor, None)
    return found


@transaction.atomic
def draft_article(
    *,
    actor,
    manifesto: Manifesto,
    contributions,
    text: str,
    clause: Clause | None = None,
    section: Section | None = None,
    after: Clause | None = None,
    expected_revision: int | None = None,
) -> Clause:
    """The collective writes a new article (in `section`, after `after`) or rewrites `clause`
    from contributions. The history reason credits the contributions; each is linked to the
    article and answered "reprise dans l'article N". Optimistic concurrency as for any edit."""
    _require_editor(actor, manifesto)
    require_allowed(manifesto, "article.draft")
    found = _contributions_for(manifesto, contributions)
    numbers = ", ".join(f"n° {c.number}" for c in found)
    editor = actor.get_full_name() or actor.get_username()
    if clause is not None:
        if clause.manifesto_id != manifesto.pk:
            raise InvalidInput(_("Cet article n'appartient pas à ce manifeste."))
        if expected_revision is None:
            raise InvalidInput(_("Indiquez la révision de l'article que vous avez réécrit."))
        reason = in_site_language(_lazy("Réécrit par %(editor)s d'après les contributions %(numbers)s")) % {"editor": editor, "numbers": numbers}
        written = text_services.apply_clause_text(
            actor=actor, clause=clause, text=text, expected_revision=expected_revision, reason=reason
        )
    else:
        if section is None or section.manifesto_id != manifesto.pk:
            raise InvalidInput(_("Choisissez la partie où écrire le nouvel article."))
        reason = in_site_language(_lazy("Rédigé par %(editor)s d'après les contributions %(numbers)s")) % {"editor": editor, "numbers": numbers}
        written = text_services.apply_new_clause(actor=actor, section=section, text=text, after=after, reason=reason)
    for contribution in found:
        _link(contribution, written, actor, written.revision)
    return written


@transaction.atomic
def unlink(*, actor, contribution: Contribution, clause_number: int) -> Contribution:
    """Remove a link made by mistake; with no link left the contribution waits for an answer again."""
    contribution = _locked(contribution)
    _require_editor(actor, contribution.manifesto)
    require_allowed(contribution.manifesto, "contribution.answer")
    deleted, _ignored = ContributionLink.objects.filter(contribution=contribution, clause_number=clause_number).delete()
    if not deleted:
        raise InvalidInput(_("Cette contribution n'est pas liée à cet article."))
    if not contribution.links.exists():
        contribution.outcome = ContributionOutcome.WAITING
        contribution.answered_by, contribution.answered_at = actor, timezone.now()
        contribution.save()
    _journal("contribution.answered", contribution)
    return contribution
