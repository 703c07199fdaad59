"""Deliberation's answer to "where does this revision come from?" for manifesto.provenance.

A clause revision came from the amendments that point to it (`applied_clause`,
`applied_revision`): one amendment accepted in the room, or several integrated at once by the
editorial collective. All the pairs a page asks about are resolved in one query.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from deliberation.models import Amendment, Outcome
from manifesto.provenance import Source, source_resolver


def agora_report_url(agora) -> str:
    return reverse("deliberation_answers:report", kwargs={"slug": agora.slug})


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _note(amendment: Amendment) -> str:
    if amendment.merged_into_id:
        return _("fusionné dans le compromis n° %(number)s") % {"number": amendment.merged_into.number}
    if amendment.outcome == Outcome.INTEGRATED_MODIFIED:
        return _("intégré avec modification par le collectif de rédaction")
    if amendment.applied_with_merge:
        return _("fusionné avec les modifications faites depuis")
    return ""


def amendment_source(amendment: Amendment, *, report_urls: dict | None = None) -> Source:
    agora = amendment.agora
    report_urls = {} if report_urls is None else report_urls
    if agora is not None and agora.pk not in report_urls:
        report_urls[agora.pk] = agora_report_url(agora)
    # The answer that integrated it (the collective's, or the room's) names who decided and when.
    decider = amendment.outcome_by if amendment.outcome_by_id else amendment.decided_by
    return Source(
        label=_("Amendement n° %(number)s") % {"number": amendment.number},
        author=amendment.author_name,
        url=amendment.get_absolute_url(),
        origin=agora.title if agora else "",
        origin_url=report_urls[agora.pk] if agora else "",
        decided_at=amendment.outcome_at or amendment.decided_at,
        decided_by=_name(decider),
        note=_note(amendment),
    )


@source_resolver
def amendments_behind(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[Source]]:
    clause_ids = {clause_id for clause_id, _revision in pairs}
    revisions = {revision for _clause_id, revision in pairs}
    # A superset (every clause × every revision) in one indexed query, narrowed in Python.
    amendments = (
        Amendment.objects.filter(Q(applied_clause_id__in=clause_ids) & Q(applied_revision__in=revisions))
        .select_related("session__agora", "decided_by", "outcome_by", "author", "author_user", "merged_into")
        .order_by("number")
    )
    found: dict[tuple[int, int], list[Source]] = {}
    report_urls: dict[int, str] = {}
    for amendment in amendments:
        key = (amendment.applied_clause_id, amendment.applied_revision)
        if key in pairs:
            found.setdefault(key, []).append(amendment_source(amendment, report_urls=report_urls))
    return found
