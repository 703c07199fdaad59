"""Writes of a new text and of an imported draft, through manifesto's own services.

A new text is created with `manifesto.services.create_manifesto`, its parts and articles with
`add_section` and `add_clause` (one history row per article, credited to the person who
imports, the file's name in the change reason, a journal event each), its stages with
`stage_services.configure_stages`. All of it in one transaction: a refusal anywhere writes nothing.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from manifesto import permissions, services, stage_services
from manifesto.drafting.structure import Draft, checked
from manifesto.errors import InvalidInput, PermissionDenied
from manifesto.models import Manifesto

# Addresses the site serves under /manifeste/ itself, which a text's identifier must not hide.
RESERVED_SLUGS = frozenset({"nouveau"})


def import_reason(source_name: str) -> str:
    """The change reason of every article of a draft: the file's name, or "typed in the browser"."""
    if source_name:
        return services.in_site_language(_lazy("Import du fichier « %(name)s »")) % {"name": source_name}
    return services.in_site_language(_lazy("Brouillon saisi dans le navigateur"))


def _write_draft(*, actor, manifesto: Manifesto, draft: Draft, source_name: str) -> None:
    reason = import_reason(source_name)
    for part in checked(draft).parts:
        section = services.add_section(actor=actor, manifesto=manifesto, title=part.title)
        for text in part.articles:
            services.add_clause(actor=actor, section=section, text=text, reason=reason)


@transaction.atomic
def create_text(
    *,
    actor,
    title: str,
    slug: str,
    preamble: str = "",
    decision_mode: str,
    stage_plan: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
    draft: Draft | None = None,
    source_name: str = "",
) -> Manifesto:
    """A new text organised by `actor`, with its draft (if any) and its stages (if `stage_plan` is not None)."""
    if not permissions.can_create_text(actor):
        raise PermissionDenied(refusal())
    if slug in RESERVED_SLUGS:
        raise InvalidInput(_("L'identifiant « %(slug)s » est réservé par le site : choisissez-en un autre.") % {"slug": slug})
    manifesto = services.create_manifesto(
        actor=actor, title=title, slug=slug, preamble=preamble, decision_mode=decision_mode
    )
    if draft is not None:
        # Before the stages: with stages in place and none open, the text is not editable yet.
        _write_draft(actor=actor, manifesto=manifesto, draft=draft, source_name=source_name)
    if stage_plan is not None:
        stage_services.configure_stages(actor=actor, manifesto=manifesto, plan=stage_plan)
    return manifesto


@transaction.atomic
def import_draft(*, actor, manifesto: Manifesto, draft: Draft, source_name: str = "") -> Manifesto:
    """Fill a text that has no article yet with a draft; its parts come after any (empty) part it has."""
    if not permissions.can_edit_text(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices de ce texte peuvent y importer un brouillon, pendant la rédaction."))
    # Under the text's lock, so two imports started together cannot both find it empty.
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    if manifesto.clauses.exists():
        raise InvalidInput(already_written())
    _write_draft(actor=actor, manifesto=manifesto, draft=draft, source_name=source_name)
    return manifesto


def refusal() -> str:
    return _(
        "Seules les personnes autorisées à créer des textes peuvent ouvrir un nouveau texte : "
        "les administrateur·rices du site, et celles et ceux à qui elles ou ils en ont donné la permission."
    )


def already_written() -> str:
    return _(
        "Ce texte a déjà des articles : un brouillon ne s'importe que dans un texte vide. "
        "Ajoutez les articles un par un depuis la page « Modifier le texte »."
    )
