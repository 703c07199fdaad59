"""CSV tables for spreadsheets: UTF-8 with BOM, formula-safe cells, documented columns (docs/publishing.md).

Public tables only: what the public pages already show (hidden amendments left out, authors
not named, public signatories with their public fields).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from deliberation import outcomes
from deliberation import selectors as deliberation_selectors
from deliberation.contributions import selectors as contribution_selectors
from deliberation.contributions.models import Contribution, ContributionState
from deliberation.models import AgoraPosition, SupportValue
from manifesto import spreadsheet
from manifesto.signatures import selectors as signature_selectors
from manifesto.signatures.views import csv_safe


def stream(columns, rows, *, french: bool = False):
    """The lines of a CSV: BOM, header, then one line per row (each cell formula-safe); `french`:
    semicolons between cells, for spreadsheets set to French (manifesto.spreadsheet)."""
    cells = ([csv_safe(getter(row)) for _name, getter in columns] for row in rows)
    return spreadsheet.lines([name for name, _getter in columns], cells, french=french)


AMENDMENT_COLUMNS = [
    ("numero", lambda a: a.number),
    ("nature", lambda a: a.kind),
    ("article", lambda a: a.clause_number or ""),
    ("lignes", lambda a: deliberation_selectors.line_citation(a)),
    ("agora", lambda a: a.session.agora.title if a.session_id else ""),
    ("etat", lambda a: a.state),
    ("suite", lambda a: a.outcome),
    ("suite_definitive", lambda a: "oui" if a.outcome_final else "non"),
    ("reponse", lambda a: outcomes.answer(a, public=True)),
    ("pour", lambda a: a.pour),
    ("contre", lambda a: a.contre),
    ("abstention", lambda a: a.abstention),
    ("texte_de_depart", lambda a: a.base_text),
    ("texte_propose", lambda a: deliberation_selectors.proposed_text(a)),
    ("expose_des_motifs", lambda a: a.justification),
    ("propose_le", lambda a: a.created_at.isoformat()),
]


def amendments(manifesto):
    public = deliberation_selectors.visible(manifesto.amendments.all(), AnonymousUser())
    return (
        deliberation_selectors.with_relations(public)
        .annotate(
            pour=Count("supports", filter=Q(supports__value=SupportValue.FOR)),
            contre=Count("supports", filter=Q(supports__value=SupportValue.AGAINST)),
            abstention=Count("supports", filter=Q(supports__value=SupportValue.ABSTAIN)),
        )
        .order_by("number")
    )


POSITION_COLUMNS = [
    ("amendement", lambda p: p.amendment.number),
    ("article", lambda p: p.amendment.clause_number or ""),
    ("agora", lambda p: p.agora.title),
    ("position", lambda p: p.position),
    ("libelle", lambda p: outcomes.position_note(p)),
    ("motif", lambda p: "" if p.position == "hidden" else p.reason),
    ("pour", lambda p: p.tally.get("pour", 0)),
    ("contre", lambda p: p.tally.get("contre", 0)),
    ("abstention", lambda p: p.tally.get("abstention", 0)),
    ("decidee_le", lambda p: p.decided_at.isoformat()),
]


def positions(manifesto):
    return (
        AgoraPosition.objects.filter(amendment__manifesto=manifesto)
        .exclude(amendment__state="hidden")
        .select_related("amendment", "agora")
        .order_by("amendment__number", "agora__starts_at", "pk")
    )


SIGNATORY_COLUMNS = [
    ("type", lambda s: s.kind),
    ("nom", lambda s: s.organisation_name if s.kind == "organisation" else f"{s.first_name} {s.last_name}"),
    ("fonction", lambda s: "" if s.kind == "organisation" else s.role),
    ("famille", lambda s: s.get_family_display() if s.kind == "organisation" and s.family else ""),
    ("territoire", lambda s: s.territory),
    ("version", lambda s: s.version.number),
    ("confirmee_le", lambda s: s.confirmed_at.date().isoformat() if s.confirmed_at else ""),
]


def signatories(manifesto):
    return signature_selectors.public_list(manifesto_id=manifesto.pk).order_by("confirmed_at", "pk")


def _support_count(value: str):
    return Count("supports", filter=Q(supports__value=value))


CONTRIBUTION_COLUMNS = [
    ("numero", lambda c: c.number),
    ("titre", lambda c: c.title),
    ("texte", lambda c: c.text),
    ("theme", lambda c: contribution_selectors.theme_label(c)),
    ("article", lambda c: c.clause_number or ""),
    ("agora", lambda c: c.agora.title if c.agora_id else ""),
    ("famille", lambda c: c.get_ess_family_display() if c.ess_family else ""),
    ("territoire", lambda c: c.territory),
    ("etat", lambda c: c.state),
    ("suite", lambda c: c.outcome),
    ("reponse", lambda c: contribution_selectors.answer(c)),
    ("pour", lambda c: c.pour),
    ("contre", lambda c: c.contre),
    ("abstention", lambda c: c.abstention),
    ("publiee_le", lambda c: c.published_at.isoformat() if c.published_at else ""),
]


def contributions(manifesto):
    """Published contributions and duplicates (as the public list shows them); hidden and unconfirmed ones left out."""
    return (
        Contribution.objects.filter(manifesto=manifesto, state__in=[ContributionState.PUBLISHED, ContributionState.DUPLICATE])
        .select_related("section", "agora", "duplicate_of")
        .prefetch_related("links")
        .annotate(pour=_support_count("pour"), contre=_support_count("contre"), abstention=_support_count("abstention"))
        .order_by("number")
    )
