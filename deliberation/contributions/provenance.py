"""Contributions' answer to "where does this revision come from?" for manifesto.provenance.

A clause revision written by the collective from contributions (services.draft_article) has a
ContributionLink per contribution with that revision: its words are credited to them. All the
pairs a page asks about are resolved in one query.
"""

from django.utils.translation import gettext as _

from deliberation.contributions.models import ContributionLink, ContributionState
from manifesto.provenance import Source, source_resolver


@source_resolver
def contributions_behind(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[Source]]:
    clause_ids = {clause_id for clause_id, _revision in pairs}
    revisions = {revision for _clause_id, revision in pairs}
    links = (
        ContributionLink.objects.filter(clause_id__in=clause_ids, revision__in=revisions)
        .exclude(contribution__state__in=[ContributionState.HIDDEN, ContributionState.PENDING])
        .select_related("contribution__agora", "contribution__manifesto", "created_by")
        .order_by("contribution__number")
    )
    found: dict[tuple[int, int], list[Source]] = {}
    for link in links:
        key = (link.clause_id, link.revision)
        if key not in pairs:
            continue
        contribution = link.contribution
        agora = contribution.agora
        creator = link.created_by
        found.setdefault(key, []).append(
            Source(
                label=_("Contribution n° %(number)s — %(title)s") % {"number": contribution.number, "title": contribution.title},
                url=contribution.get_absolute_url(),
                origin=agora.title if agora else _("en ligne"),
                origin_url=agora.get_absolute_url() if agora else "",
                decided_at=link.created_at,
                decided_by=(creator.get_full_name() or creator.get_username()) if creator else "",
                note=_("reprise par le collectif de rédaction"),
            )
        )
    return found
