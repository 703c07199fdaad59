"""Writes to the text. The only place that changes Manifesto, Section, Clause and versions.

Two layers: the public functions (`edit_clause`, `add_clause`...) check that the actor may
edit the text; the `apply_*` functions do the same write without that check, for the
services of other apps (deliberation accepting an amendment) that have checked their own
permissions. Every tracked write sets the history user and a change reason, and journals an
event in the same transaction.
"""

import hashlib
import re
import unicodedata

from django.db import transaction
from django.db.models import F, Max
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from manifesto import permissions, stages
from manifesto.errors import ClauseConflict, InvalidInput, PermissionDenied
from manifesto.history import MAX_REASON_LENGTH, track  # noqa: F401  (forms size reason fields by it)
from manifesto import lines
from manifesto.journal import record_event
from manifesto.models import Clause, DecisionMode, Manifesto, ManifestoStatus, ManifestoVersion, Section

MAX_CLAUSE_LENGTH = 5000
# What the URL patterns accept as <slug:slug>.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MAX_TITLE_LENGTH = 200


def in_site_language(message) -> str:
    """A message stored as a record (history reason, journal payload) is written in the site's
    language, whatever language the person who acted browses in: readers in every language
    see the same record."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def normalise_text(text: str) -> str:
    """One canonical form for stored text: NFC, Unix newlines, no surrounding blanks."""
    text = unicodedata.normalize("NFC", text or "")
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _clean_clause_text(text: str) -> str:
    text = normalise_text(text)
    if not text:
        raise InvalidInput(_("Le texte de l'article ne peut pas être vide."))
    if len(text) > MAX_CLAUSE_LENGTH:
        raise InvalidInput(_("Le texte de l'article dépasse %(max)d caractères.") % {"max": MAX_CLAUSE_LENGTH})
    return text


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Le titre ne peut pas être vide."))
    if len(title) > MAX_TITLE_LENGTH:
        raise InvalidInput(_("Le titre dépasse %(max)d caractères.") % {"max": MAX_TITLE_LENGTH})
    return title


def _require_editor(actor, manifesto: Manifesto) -> None:
    if not permissions.is_organiser(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices peuvent modifier le texte."))
    if manifesto.status != ManifestoStatus.DRAFTING:
        raise PermissionDenied(_("Le texte est figé : il ne peut plus être modifié."))
    stages.require_allowed(manifesto, "text.edit")


def clause_payload(clause: Clause) -> dict:
    return {
        "id": clause.pk,
        "number": clause.number,
        "section_id": clause.section_id,
        "position": clause.position,
        "text": clause.text,
        "revision": clause.revision,
    }


# ------------------------------------------------------------------------- manifesto


@transaction.atomic
def create_manifesto(
    *, actor, title: str, slug: str, preamble: str = "", decision_mode: str = DecisionMode.COLLECTIVE
) -> Manifesto:
    """A new manifesto, decided by the editorial collective unless `decision_mode` says the room
    (a single workshop writing its own text); see docs/process.md."""
    if not _SLUG.fullmatch(slug or "") or len(slug) > Manifesto._meta.get_field("slug").max_length:
        raise InvalidInput(_("L'identifiant ne peut contenir que des lettres, des chiffres et des tirets."))
    if Manifesto.objects.filter(slug=slug).exists():
        raise InvalidInput(_("Un manifeste porte déjà cet identifiant."))
    if decision_mode not in DecisionMode.values:
        raise InvalidInput(_("Mode de décision inconnu."))
    manifesto = Manifesto.objects.create(
        title=_clean_title(title), slug=slug, preamble=normalise_text(preamble), decision_mode=decision_mode
    )
    if getattr(actor, "is_authenticated", False):
        manifesto.organisers.add(actor)
    return manifesto


@transaction.atomic
def set_status(*, actor, manifesto: Manifesto, status: str) -> Manifesto:
    if not permissions.is_organiser(actor, manifesto):
        raise PermissionDenied()
    if status not in ManifestoStatus.values:
        raise InvalidInput(_("Statut inconnu."))
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    manifesto.status = status
    manifesto.save(update_fields=["status"])
    record_event(manifesto_id=manifesto.pk, type="manifesto.status_changed", data={"status": status})
    return manifesto


# ------------------------------------------------------------------------- sections


@transaction.atomic
def add_section(*, actor, manifesto: Manifesto, title: str) -> Section:
    _require_editor(actor, manifesto)
    last = manifesto.sections.aggregate(m=Max("position"))["m"] or 0
    section = Section(manifesto=manifesto, title=_clean_title(title), position=last + 1)
    track(section, actor=actor, reason=in_site_language(_lazy("Partie créée")))
    section.save()
    record_event(
        manifesto_id=manifesto.pk,
        type="section.added",
        data={"id": section.pk, "position": section.position, "title": section.title},
    )
    return section


@transaction.atomic
def rename_section(*, actor, section: Section, title: str) -> Section:
    _require_editor(actor, section.manifesto)
    section = Section.objects.select_for_update().get(pk=section.pk)
    section.title = _clean_title(title)
    track(section, actor=actor, reason=in_site_language(_lazy("Partie renommée"))).save()
    _section_changed(section)
    return section


@transaction.atomic
def move_section(*, actor, section: Section, position: int) -> Section:
    """Put the section at `position` (1-based) among its siblings."""
    _require_editor(actor, section.manifesto)
    siblings = list(Section.objects.select_for_update().filter(manifesto_id=section.manifesto_id).order_by("position", "id"))
    moving = next(s for s in siblings if s.pk == section.pk)
    siblings.remove(moving)
    position = max(1, min(position, len(siblings) + 1))
    siblings.insert(position - 1, moving)
    for index, sibling in enumerate(siblings, start=1):
        if sibling.position != index:
            sibling.position = index
            track(sibling, actor=actor, reason=in_site_language(_lazy("Parties réordonnées"))).save()
            _section_changed(sibling)
    return moving


def _section_changed(section: Section) -> None:
    record_event(
        manifesto_id=section.manifesto_id,
        type="section.changed",
        data={"id": section.pk, "position": section.position, "title": section.title},
    )


# ------------------------------------------------------------------------- clauses


def _next_clause_number(manifesto_id: int) -> int:
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto_id)
    Manifesto.objects.filter(pk=manifesto_id).update(last_clause_number=F("last_clause_number") + 1)
    return manifesto.last_clause_number + 1


def _shifted(reason: str) -> str:
    """The history reason of a clause that only shifted because of a neighbour's change.

    Without it a clause's history would say "Article supprimé" when a neighbour was deleted.
    """
    return in_site_language(_lazy("Position ajustée (%(reason)s)")) % {"reason": reason}


def _renumber_positions(section_id: int, actor, reason: str, *, skip: int | None = None) -> None:
    """Keep positions 1..n inside a section, saving (with history) only the clauses that moved."""
    clauses = Clause.objects.select_for_update().filter(section_id=section_id).order_by("position", "id")
    for index, clause in enumerate(clauses, start=1):
        if clause.position != index and clause.pk != skip:
            clause.position = index
            track(clause, actor=actor, reason=reason).save()


@transaction.atomic
def add_clause(*, actor, section: Section, text: str, after: Clause | None = None, reason: str = "") -> Clause:
    _require_editor(actor, section.manifesto)
    return apply_new_clause(actor=actor, section=section, text=text, after=after, reason=reason or in_site_language(_lazy("Article ajouté")))


@transaction.atomic
def apply_new_clause(*, actor, section: Section, text: str, after: Clause | None, reason: str) -> Clause:
    """Insert a clause after `after` (or at the end of the section). No permission check."""
    text = _clean_clause_text(text)
    if after is not None and after.section_id != section.pk:
        raise InvalidInput(_("L'article de référence n'est pas dans cette partie."))
    siblings = Clause.objects.select_for_update().filter(section_id=section.pk)
    if after is None:
        position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    else:
        reference = Clause.objects.filter(pk=after.pk, section_id=section.pk).first()
        if reference is None:
            # Deleted or moved away since the form was shown: say so rather than fail.
            raise InvalidInput(_("L'article de référence n'est plus dans cette partie."))
        position = reference.position + 1
        for sibling in siblings.filter(position__gte=position).order_by("-position"):
            sibling.position += 1
            track(sibling, actor=actor, reason=_shifted(reason)).save()
    clause = Clause(
        manifesto_id=section.manifesto_id,
        section=section,
        number=_next_clause_number(section.manifesto_id),
        position=position,
        text=text,
        revision=1,
    )
    track(clause, actor=actor, reason=reason).save()
    record_event(
        manifesto_id=section.manifesto_id, type="clause.added", data={"clause": clause_payload(clause), "reason": reason}
    )
    return clause


@transaction.atomic
def edit_clause(*, actor, clause: Clause, text: str, expected_revision: int, reason: str = "") -> Clause:
    _require_editor(actor, clause.manifesto)
    return apply_clause_text(
        actor=actor, clause=clause, text=text, expected_revision=expected_revision, reason=reason or in_site_language(_lazy("Article modifié"))
    )


@transaction.atomic
def apply_clause_text(*, actor, clause: Clause, text: str, expected_revision: int, reason: str) -> Clause:
    """Write a new text if the clause is still at `expected_revision`; else ClauseConflict.

    The row lock makes two simultaneous writers queue: the second sees the new revision
    and gets the conflict, so no update is ever lost. No permission check.
    """
    text = _clean_clause_text(text)
    try:
        current = Clause.objects.select_for_update().get(pk=clause.pk)
    except Clause.DoesNotExist:
        raise ClauseConflict(_("Cet article a été supprimé entre-temps.")) from None
    if current.revision != expected_revision:
        raise ClauseConflict(clause=current)
    if current.text == text:
        return current
    current.text = text
    current.revision += 1
    track(current, actor=actor, reason=reason).save()
    record_event(
        manifesto_id=current.manifesto_id, type="clause.changed", data={"clause": clause_payload(current), "reason": reason}
    )
    return current


@transaction.atomic
def move_clause(*, actor, clause: Clause, section: Section, position: int) -> Clause:
    """Move a clause to `position` (1-based) in `section`, which may be another section."""
    _require_editor(actor, clause.manifesto)
    if section.manifesto_id != clause.manifesto_id:
        raise InvalidInput(_("Cette partie appartient à un autre manifeste."))
    reason = in_site_language(_lazy("Article déplacé"))
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    old_section_id = clause.section_id
    targets = list(Clause.objects.select_for_update().filter(section_id=section.pk).exclude(pk=clause.pk).order_by("position", "id"))
    position = max(1, min(position, len(targets) + 1))
    targets.insert(position - 1, clause)
    clause.section = section
    for index, item in enumerate(targets, start=1):
        if item.pk == clause.pk or item.position != index:
            item.position = index
            track(item, actor=actor, reason=reason if item.pk == clause.pk else _shifted(reason)).save()
    if old_section_id != section.pk:
        _renumber_positions(old_section_id, actor, _shifted(reason))
    record_event(
        manifesto_id=clause.manifesto_id, type="clause.moved", data={"clause": clause_payload(clause), "reason": reason}
    )
    return clause


@transaction.atomic
def delete_clause(*, actor, clause: Clause, reason: str = "") -> None:
    _require_editor(actor, clause.manifesto)
    apply_clause_deletion(actor=actor, clause=clause, expected_revision=None, reason=reason or in_site_language(_lazy("Article supprimé")))


@transaction.atomic
def apply_clause_deletion(*, actor, clause: Clause, expected_revision: int | None, reason: str) -> None:
    """Delete a clause (history keeps it). With `expected_revision`, only if unchanged. No permission check."""
    try:
        current = Clause.objects.select_for_update().get(pk=clause.pk)
    except Clause.DoesNotExist:
        raise ClauseConflict(_("Cet article a déjà été supprimé.")) from None
    if expected_revision is not None and current.revision != expected_revision:
        raise ClauseConflict(clause=current)
    section_id, number, pk = current.section_id, current.number, current.pk
    track(current, actor=actor, reason=reason).delete()
    _renumber_positions(section_id, actor, _shifted(reason))
    record_event(
        manifesto_id=clause.manifesto_id, type="clause.deleted", data={"id": pk, "number": number, "reason": reason}
    )


@transaction.atomic
def apply_clause_restoration(*, actor, manifesto_id: int, clause_id: int, reason: str) -> Clause:
    """Bring a deleted clause back as it was when deleted: same id and number, same section and
    place (its later siblings shift down), next revision. For undoing a deletion within the
    undo window; history keeps both the deletion and the restoration. No permission check."""
    if Clause.objects.filter(pk=clause_id).exists():
        raise ClauseConflict(_("Cet article existe déjà : rien à rétablir."))
    last = Clause.history.filter(id=clause_id, manifesto_id=manifesto_id).order_by("-history_date", "-history_id").first()
    if last is None or not Section.objects.filter(pk=last.section_id).exists():
        raise ClauseConflict(_("Cet article ne peut plus être rétabli : sa partie a été supprimée."))
    siblings = Clause.objects.select_for_update().filter(section_id=last.section_id)
    for sibling in siblings.filter(position__gte=last.position).order_by("-position"):
        sibling.position += 1
        track(sibling, actor=actor, reason=_shifted(reason)).save()
    clause = Clause(
        pk=clause_id,
        manifesto_id=manifesto_id,
        section_id=last.section_id,
        number=last.number,
        position=last.position,
        text=last.text,
        revision=last.revision + 1,
    )
    track(clause, actor=actor, reason=reason).save(force_insert=True)
    _renumber_positions(last.section_id, actor, _shifted(reason))
    clause.refresh_from_db()
    record_event(manifesto_id=manifesto_id, type="clause.added", data={"clause": clause_payload(clause), "reason": reason})
    return clause


# ------------------------------------------------------------------------- versions


def snapshot(manifesto: Manifesto) -> dict:
    """The whole text as structured data, in reading order."""
    sections = []
    for section in manifesto.sections.order_by("position", "id").prefetch_related("clauses"):
        clauses = sorted(section.clauses.all(), key=lambda c: (c.position, c.pk))
        sections.append(
            {
                "id": section.pk,
                "title": section.title,
                "clauses": [{"id": c.pk, "number": c.number, "revision": c.revision, "text": c.text} for c in clauses],
            }
        )
    return {"title": manifesto.title, "preamble": manifesto.preamble, "sections": sections}


def canonical_text(content: dict) -> str:
    """The plain-text form that the fingerprint covers: the words a signatory reads, nothing else."""
    parts = [normalise_text(content["title"])]
    if content["preamble"]:
        parts.append(normalise_text(content["preamble"]))
    for section in content["sections"]:
        parts.append("## " + normalise_text(section["title"]))
        for clause in section["clauses"]:
            parts.append(f"Article {clause['number']}. " + normalise_text(clause["text"]))
    return "\n\n".join(parts) + "\n"


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def freeze_version(*, actor, manifesto: Manifesto, label: str) -> ManifestoVersion:
    if not permissions.can_freeze_version(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices peuvent figer une version."))
    label = _clean_title(label)
    max_label = ManifestoVersion._meta.get_field("label").max_length
    if len(label) > max_label:
        raise InvalidInput(_("Le libellé dépasse %(max)d caractères.") % {"max": max_label})
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    content = snapshot(manifesto)
    # Recorded so this version's line numbers never move, whatever the default becomes.
    content["line_length"] = lines.LINE_LENGTH
    text = canonical_text(content)
    number = (manifesto.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ManifestoVersion.objects.create(
        manifesto=manifesto,
        number=number,
        label=label,
        content=content,
        canonical_text=text,
        fingerprint=fingerprint(text),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        manifesto_id=manifesto.pk,
        type="manifesto.version_frozen",
        data={"number": version.number, "label": version.label, "fingerprint": version.fingerprint},
    )
    return version


# ------------------------------------------------------------------------- editorial collective


def _require_collective_manager(actor, manifesto: Manifesto) -> None:
    if not permissions.can_manage_collective(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices composent le collectif de rédaction."))


def find_account(identifier: str):
    """The account with this user name or e-mail address (case-insensitive), or None."""
    from django.contrib.auth import get_user_model

    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username__iexact=identifier).first() or users.filter(email__iexact=identifier).first()


@transaction.atomic
def add_collective_member(*, actor, manifesto: Manifesto, member) -> None:
    """Seat an account on the editorial collective (members need an account: they sign in to the desk)."""
    _require_collective_manager(actor, manifesto)
    if member is None or not getattr(member, "is_active", False):
        raise InvalidInput(_("Aucun compte actif ne porte ce nom ou cette adresse."))
    manifesto.collective.add(member)


@transaction.atomic
def remove_collective_member(*, actor, manifesto: Manifesto, member) -> None:
    """What a member already answered stays answered, credited to them."""
    _require_collective_manager(actor, manifesto)
    manifesto.collective.remove(member)
