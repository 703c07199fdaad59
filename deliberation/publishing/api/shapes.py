"""The JSON shapes of the open API (docs/api.md lists every field). Public facts only."""

from django.db.models import Count, Q
from django.urls import reverse

from agora.models import Agora
from deliberation import outcomes
from deliberation import selectors as deliberation_selectors
from deliberation.models import Amendment, SupportValue
from manifesto import selectors as text_selectors
from manifesto.disclosure import publishable_groups
from manifesto.models import Manifesto, ManifestoVersion
from manifesto.signatures import selectors as signature_selectors
from manifesto.signatures.territories import territory_label
from manifesto.models.signatures import SIGNATURE_FAMILY_CHOICES


def _url(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def manifesto_summary(request, manifesto: Manifesto) -> dict:
    return {
        "slug": manifesto.slug,
        "title": manifesto.title,
        "status": manifesto.status,
        "decision_mode": manifesto.decision_mode,
        "seq": manifesto.last_seq,
        "created_at": manifesto.created_at,
        "url": _url(request, "api:manifesto", slug=manifesto.slug),
        "page": _url(request, "manifesto:read", slug=manifesto.slug),
    }


def manifesto_detail(request, manifesto: Manifesto) -> dict:
    sections = text_selectors.reading_sections(manifesto=manifesto)
    numbering = text_selectors.current_numbering(manifesto, sections)
    slug = manifesto.slug
    return {
        **manifesto_summary(request, manifesto),
        "preamble": manifesto.preamble,
        "line_length": numbering.line_length,
        "sections": [
            {
                "title": section.title,
                "articles": [
                    {
                        "number": clause.number,
                        "revision": clause.revision,
                        "text": clause.text,
                        "lines": _lines(numbering.clause(clause.number)),
                        "url": _url(request, "api:article", slug=slug, number=clause.number),
                    }
                    for clause in section.clauses.all()
                ],
            }
            for section in sections
        ],
        "links": {
            "versions": _url(request, "api:versions", slug=slug),
            "amendments": _url(request, "api:amendments", slug=slug),
            "agoras": _url(request, "api:agoras", slug=slug),
            "signatures": _url(request, "api:signatures", slug=slug),
        },
    }


def _lines(block) -> list[int] | None:
    return [block.first, block.last] if block.first is not None else None


def version_summary(request, version: ManifestoVersion) -> dict:
    slug = version.manifesto.slug
    return {
        "number": version.number,
        "label": version.label,
        "fingerprint": version.fingerprint,
        "created_at": version.created_at,
        "url": _url(request, "api:version", slug=slug, number=version.number),
        "page": _url(request, "manifesto:version", slug=slug, number=version.number),
        "canonical_text_url": _url(request, "manifesto:version_text", slug=slug, number=version.number),
    }


def version_detail(request, version: ManifestoVersion) -> dict:
    numbering = text_selectors.version_numbering(version)
    content = version.content
    return {
        **version_summary(request, version),
        "canonical_text": version.canonical_text,
        "line_length": numbering.line_length,
        "title": content["title"],
        "preamble": content.get("preamble", ""),
        "sections": [
            {
                "title": section["title"],
                "articles": [
                    {"number": c["number"], "text": c["text"], "lines": _lines(numbering.clause(c["number"]))}
                    for c in section["clauses"]
                ],
            }
            for section in content["sections"]
        ],
    }


def article(request, manifesto: Manifesto, number: int, entries) -> dict:
    clause = manifesto.clauses.filter(number=number).first()
    return {
        "number": number,
        "exists": clause is not None,
        "text": clause.text if clause else None,
        "revision": clause.revision if clause else None,
        "page": _url(request, "manifesto:clause", slug=manifesto.slug, number=number),
        # Oldest first; who changed it is not published here (the history page names organisers).
        "history": [
            {
                "kind": entry.kind,
                "date": entry.date,
                "revision": entry.revision,
                "reason": entry.reason,
                "text": entry.text,
                "previous_text": entry.old_text,
                "section": entry.section_title,
            }
            for entry in entries
        ],
    }


def amendments_queryset(queryset):
    return (
        deliberation_selectors.with_relations(queryset)
        .annotate(
            pour=Count("supports", filter=Q(supports__value=SupportValue.FOR)),
            contre=Count("supports", filter=Q(supports__value=SupportValue.AGAINST)),
            abstention=Count("supports", filter=Q(supports__value=SupportValue.ABSTAIN)),
        )
        .order_by("number")
    )


def amendment(request, amendment: Amendment) -> dict:
    agora = amendment.session.agora if amendment.session_id else None
    return {
        "number": amendment.number,
        "kind": amendment.kind,
        "state": amendment.state,
        "article": amendment.clause_number,
        "lines": deliberation_selectors.line_citation(amendment) or None,
        "base_text": amendment.base_text,
        "text": deliberation_selectors.proposed_text(amendment),
        "justification": amendment.justification,
        "agora": agora.slug if agora else None,
        "created_at": amendment.created_at,
        "outcome": amendment.outcome,
        "outcome_final": amendment.outcome_final,
        "answer": outcomes.answer(amendment, public=True),
        "tally": {"pour": amendment.pour, "contre": amendment.contre, "abstention": amendment.abstention},
        "page": request.build_absolute_uri(amendment.get_absolute_url()),
    }


def agora(request, agora: Agora) -> dict:
    return {
        "slug": agora.slug,
        "title": agora.title,
        "online_space": agora.is_online_space,
        "departement": agora.departement,
        "region": agora.region,
        "starts_at": agora.starts_at,
        "ends_at": agora.ends_at,
        "host_organisation": agora.host_organisation,
        "page": request.build_absolute_uri(agora.get_absolute_url()),
        "report": _url(request, "deliberation_answers:report", slug=agora.slug),
        "report_pdf": _url(request, "publishing:report_pdf", slug=agora.slug),
        "booklet_pdf": _url(request, "publishing:booklet_pdf", slug=agora.slug),
    }


def signature_counts(manifesto: Manifesto) -> dict:
    """Counted signatures by ESS family, territory and day; groups too small to publish are pooled."""
    totals = signature_selectors.totals(manifesto_id=manifesto.pk)
    families = dict(SIGNATURE_FAMILY_CHOICES)
    by_family = _publishable({family or "": n for family, n in totals["by_family"]})
    by_territory = _publishable({territory: n for territory, n in totals["by_territory"]})
    return {
        "total": totals["total"],
        "people": totals["people"],
        "organisations": totals["organisations"],
        "by_family": [
            {"family": key, "label": str(families.get(key, key)), "count": n} for key, n in by_family["shown"]
        ],
        "by_family_other": by_family["other"],
        "by_territory": [
            {"territory": key, "label": territory_label(key), "count": n} for key, n in by_territory["shown"]
        ],
        "by_territory_other": by_territory["other"],
        "by_day": [{"date": day, "count": n} for day, n in signature_selectors.per_day(manifesto_id=manifesto.pk)],
    }


def _publishable(counts: dict[str, int]) -> dict:
    """The small-group rule of docs/privacy.md: tiny groups are pooled into "other"."""
    shown = publishable_groups({key: {"n": n} for key, n in counts.items()})
    rows = sorted(((key, counts[key]) for key in shown), key=lambda row: (-row[1], row[0]))
    return {"shown": rows, "other": sum(counts.values()) - sum(n for _key, n in rows)}
