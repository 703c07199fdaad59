"""Atom feeds of what became of the proposals: the answers given on a text (amendments and
contributions), and one agora's report (its amendments' positions and outcomes).

Public as the pages they follow: hidden amendments and contributions are left out entirely
(not even their number), tallies are the overall totals the report shows (never a breakdown by
family, which docs/privacy.md keeps to groups of MIN_PUBLISHED_GROUP), and no author is named.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agora.models import Agora
from deliberation import outcomes
from deliberation.answers import selectors as answer_selectors
from deliberation.contributions import selectors as contribution_selectors
from deliberation.contributions.models import Contribution, ContributionOutcome, ContributionState
from deliberation.models import Amendment, AmendmentState, Outcome
from deliberation.permissions import Actor
from manifesto.extensions import feed
from manifesto.models import Manifesto
from manifesto.sharing.feeds import FEED_ITEMS, AtomFeed
from manifesto.sharing.selectors import absolute


@dataclass(frozen=True)
class Item:
    title: str
    description: str
    path: str
    date: datetime
    guid: str


def _amendment_title(amendment: Amendment) -> str:
    title = _("Amendement n° %(number)s") % {"number": amendment.number}
    if amendment.clause_number:
        return f"{title} — " + _("article %(number)s") % {"number": amendment.clause_number}
    return f"{title} — " + _("nouvel article")


def answered_amendments(manifesto: Manifesto) -> list[Item]:
    rows = (
        Amendment.objects.filter(manifesto=manifesto, outcome_at__isnull=False)
        .exclude(outcome=Outcome.PENDING)
        .exclude(state=AmendmentState.HIDDEN)
        .select_related("outcome_clause", "outcome_related", "manifesto")
        .order_by("-outcome_at", "-pk")[:FEED_ITEMS]
    )
    return [
        Item(
            title=_amendment_title(amendment),
            description=outcomes.answer(amendment),
            path=amendment.get_absolute_url(),
            date=amendment.outcome_at,
            guid=f"amendment-{amendment.pk}-{int(amendment.outcome_at.timestamp() * 1_000_000)}",
        )
        for amendment in rows
    ]


def answered_contributions(manifesto: Manifesto) -> list[Item]:
    answered = Contribution.objects.filter(
        manifesto=manifesto, state=ContributionState.PUBLISHED, answered_at__isnull=False
    ).exclude(outcome=ContributionOutcome.WAITING)
    duplicates = Contribution.objects.filter(manifesto=manifesto, state=ContributionState.DUPLICATE, moderated_at__isnull=False)
    items = []
    for contribution in (answered | duplicates).select_related("duplicate_of", "manifesto").prefetch_related("links"):
        date = contribution.answered_at if contribution.state == ContributionState.PUBLISHED else contribution.moderated_at
        items.append(
            Item(
                title=_("Contribution n° %(number)s") % {"number": contribution.number} + f" — {contribution.title}",
                description=contribution_selectors.answer(contribution),
                path=contribution.get_absolute_url(),
                date=date,
                guid=f"contribution-{contribution.pk}-{int(date.timestamp() * 1_000_000)}",
            )
        )
    return items


class ItemFeed(AtomFeed):
    def item_title(self, item: Item):
        return item.title

    def item_description(self, item: Item):
        return item.description

    def item_link(self, item: Item):
        return absolute(item.path)

    def item_guid(self, item: Item):
        return absolute(item.path) + "#" + item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Item):
        return item.date

    def item_updateddate(self, item: Item):
        return item.date


class AnswersFeed(ItemFeed):
    """The answers given on a text, newest first: amendments' and contributions' public outcomes."""

    def get_object(self, request, slug):
        return get_object_or_404(Manifesto, slug=slug)

    def feed_path(self, obj):
        return reverse("deliberation_answers:answers_feed", kwargs={"slug": obj.slug})

    def title(self, obj):
        return _("%(title)s — suites données aux propositions") % {"title": obj.title}

    def subtitle(self, obj):
        return _("Chaque amendement et chaque contribution reçoit une réponse publique : les plus récentes d'abord.")

    def link(self, obj):
        return absolute(reverse("manifesto:read", kwargs={"slug": obj.slug}))

    def items(self, obj):
        items = answered_amendments(obj) + answered_contributions(obj)
        return sorted(items, key=lambda item: item.date, reverse=True)[:FEED_ITEMS]


def _report_description(row: answer_selectors.ReportRow) -> str:
    amendment = row.amendment
    parts = [_("Décision de l'agora : %(decision)s") % {"decision": row.agora_decision}]
    position = row.position
    if position is not None and position.reason and position.position != "hidden":
        parts[0] += f" — {position.reason}"
    if position is not None:
        tally = position.tally or {}
        parts.append(
            _("%(pour)s pour, %(contre)s contre, %(abstention)s abstention(s)")
            % {key: int(tally.get(key) or 0) for key in ("pour", "contre", "abstention")}
        )
    parts.append(_("Suite donnée : %(answer)s") % {"answer": outcomes.answer(amendment)})
    return ". ".join(parts) + "."


def _report_date(row: answer_selectors.ReportRow) -> datetime:
    dates = [row.amendment.created_at, row.amendment.outcome_at, row.position.decided_at if row.position else None]
    return max(date for date in dates if date is not None)


class AgoraReportFeed(ItemFeed):
    """An agora's report: its amendments with the agora's position, its tally and the outcome,
    the latest moved first."""

    def get_object(self, request, slug):
        return get_object_or_404(Agora.objects.select_related("manifesto"), slug=slug)

    def feed_path(self, obj):
        return reverse("deliberation_answers:report_feed", kwargs={"slug": obj.slug})

    def title(self, obj):
        return _("Bilan — %(agora)s") % {"agora": obj.title}

    def subtitle(self, obj):
        return _("Contribution au manifeste « %(manifesto)s ».") % {"manifesto": obj.manifesto.title}

    def link(self, obj):
        return absolute(reverse("deliberation_answers:report", kwargs={"slug": obj.slug}))

    def items(self, obj):
        # As an anonymous visitor sees the report: hidden amendments are not listed.
        rows = answer_selectors.agora_report(obj, Actor.of(AnonymousUser()))["rows"]
        items = []
        for row in rows:
            if row.amendment.state == AmendmentState.HIDDEN:
                continue
            date = _report_date(row)
            items.append(
                Item(
                    title=_amendment_title(row.amendment),
                    description=_report_description(row),
                    path=reverse("deliberation_answers:report", kwargs={"slug": obj.slug}) + f"#proposition-{row.amendment.number}",
                    date=date,
                    guid=f"amendment-{row.amendment.pk}-{int(date.timestamp() * 1_000_000)}",
                )
            )
        return sorted(items, key=lambda item: item.date, reverse=True)[:FEED_ITEMS]


@feed
def answers_feed_link(manifesto: Manifesto):
    return (_("Suites données"), reverse("deliberation_answers:answers_feed", kwargs={"slug": manifesto.slug}))


answers_feed = require_GET(AnswersFeed())
report_feed = require_GET(AgoraReportFeed())
