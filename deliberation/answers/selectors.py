"""Reads behind the agora report and the progress of answers. Counts only: no personal data
beyond what the amendment pages already show."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.models import Agora, Participant
from deliberation import selectors
from deliberation.models import AgoraPosition, Amendment, AmendmentState, Outcome
from manifesto.models import EssFamily, Manifesto

# The report's categories, in the order of the summary sentence: (key, outcomes, plural forms).
# Withdrawn proposals are counted apart: their author took them back, nobody has to answer them.
CATEGORIES = [
    ("integrated", {Outcome.INTEGRATED, Outcome.INTEGRATED_MODIFIED}, lambda n: ngettext("%(count)d intégrée", "%(count)d intégrées", n)),
    ("merged", {Outcome.MERGED}, lambda n: ngettext("%(count)d fusionnée", "%(count)d fusionnées", n)),
    ("duplicate", {Outcome.DUPLICATE}, lambda n: ngettext("%(count)d doublon", "%(count)d doublons", n)),
    ("set_aside", {Outcome.SET_ASIDE}, lambda n: ngettext("%(count)d écartée avec motif", "%(count)d écartées avec motif", n)),
    ("not_retained", {Outcome.NOT_RETAINED}, lambda n: ngettext("%(count)d non retenue par l'agora", "%(count)d non retenues par l'agora", n)),
    ("pending", {Outcome.PENDING}, lambda n: ngettext("%(count)d en attente", "%(count)d en attente", n)),
]


@dataclass
class Counts:
    total: int = 0  # proposals, withdrawn ones excluded
    withdrawn: int = 0
    by_category: dict = field(default_factory=dict)
    answered: int = 0  # final answers (the collective, or the room in room mode)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    def summary(self) -> str:
        """ "31 propositions : 12 intégrées, 5 fusionnées, 9 écartées avec motif, 5 en attente" """
        head = ngettext("%(count)d proposition", "%(count)d propositions", self.total) % {"count": self.total}
        parts = [plural(n) % {"count": n} for key, _outcomes, plural in CATEGORIES if (n := self.by_category.get(key, 0))]
        text = f"{head} : {', '.join(parts)}" if parts else head
        if self.withdrawn:
            text += " " + ngettext("(et %(count)d retirée par son auteur·rice)", "(et %(count)d retirées par leurs auteur·rices)", self.withdrawn) % {"count": self.withdrawn}
        return text


def count_outcomes(amendments) -> Counts:
    """Counts from (state, outcome, outcome_final) rows."""
    counts = Counts(by_category={key: 0 for key, _o, _p in CATEGORIES})
    for state, outcome, final in amendments:
        if state == AmendmentState.WITHDRAWN:
            counts.withdrawn += 1
            continue
        counts.total += 1
        counts.answered += 1 if final else 0
        for key, outcomes_in, _plural in CATEGORIES:
            if outcome in outcomes_in:
                counts.by_category[key] += 1
    return counts


def _agora_amendments(agora: Agora):
    return Amendment.objects.filter(session__agora=agora)


def agora_counts(agora: Agora) -> Counts:
    return count_outcomes(_agora_amendments(agora).values_list("state", "outcome", "outcome_final"))


def participants_by_family(agora: Agora) -> list[tuple[str, int]]:
    """How many took part, by ESS family: counts only (a participant is one person in one session)."""
    labels = dict(EssFamily.choices)
    rows = (
        Participant.objects.filter(session__agora=agora)
        .values_list("ess_family")
        .annotate(n=Count("id"))
        .order_by("ess_family")
    )
    return [(str(labels.get(family, _("Non précisée"))), n) for family, n in rows]


@dataclass
class ReportRow:
    amendment: Amendment
    position: AgoraPosition | None
    collective: bool = False  # the manifesto is decided by its editorial collective

    @property
    def agora_decision(self) -> str:
        """What the agora decided: its position; in room mode the room's decision (the amendment's
        state). In collective mode an amendment without a position was not decided by the agora,
        whatever the collective made of it since."""
        if self.position is not None:
            return str(self.position.get_position_display())
        if self.collective:
            return _("pas de position de l'agora")
        return str(self.amendment.get_state_display())

    @property
    def voices(self) -> int:
        """The voices in the position's frozen tally (0 without a position)."""
        tally = self.position.tally if self.position is not None else {}
        return sum(int(tally.get(key) or 0) for key in ("pour", "contre", "abstention"))


def agora_report(agora: Agora, viewer) -> dict:
    """Everything the report shows. Hidden proposals are counted, and listed only for those who may see them."""
    amendments = selectors.visible(_agora_amendments(agora), viewer)
    amendments = list(
        selectors.with_relations(amendments).prefetch_related("positions__agora").order_by("number")
    )
    rows = []
    for amendment in amendments:
        own = [p for p in amendment.positions.all() if p.agora_id == agora.pk]
        rows.append(ReportRow(amendment=amendment, position=own[0] if own else None, collective=agora.manifesto.decided_by_collective))
    counts = agora_counts(agora)
    participants = participants_by_family(agora)
    return {
        "agora": agora,
        "manifesto": agora.manifesto,
        "rows": rows,
        "counts": counts,
        "participants": participants,
        "participants_total": sum(n for _label, n in participants),
        "positions": [r for r in rows if r.position is not None],
        "family_labels": dict(EssFamily.choices),
    }


@dataclass
class AgoraProgress:
    agora: Agora
    counts: Counts


def answer_progress(manifesto: Manifesto) -> list[AgoraProgress]:
    """Per agora (the online space included), the share of its proposals answered for good.
    One query for the counts, whatever the number of amendments."""
    agoras = list(Agora.objects.filter(manifesto=manifesto).order_by("is_online_space", "starts_at", "pk"))
    rows = (
        Amendment.objects.filter(manifesto=manifesto, session__isnull=False)
        .values("session__agora_id")
        .annotate(
            total=Count("id", filter=~Q(state=AmendmentState.WITHDRAWN)),
            withdrawn=Count("id", filter=Q(state=AmendmentState.WITHDRAWN)),
            answered=Count("id", filter=Q(outcome_final=True) & ~Q(state=AmendmentState.WITHDRAWN)),
        )
        .order_by()
    )
    by_agora = {row["session__agora_id"]: row for row in rows}
    progress = []
    for agora in agoras:
        row = by_agora.get(agora.pk)
        if row is None:
            continue
        progress.append(AgoraProgress(agora=agora, counts=Counts(total=row["total"], withdrawn=row["withdrawn"], answered=row["answered"])))
    return progress


def progress_data(manifesto: Manifesto) -> dict:
    """The progress as the page's script reads it (answers-progress.js)."""
    return {
        "seq": Manifesto.objects.values_list("last_seq", flat=True).get(pk=manifesto.pk),
        "agoras": [
            {
                "id": p.agora.pk,
                "title": p.agora.title,
                "url": reverse("deliberation_answers:report", kwargs={"slug": p.agora.slug}),
                "total": p.counts.total,
                "answered": p.counts.answered,
                "percent": p.counts.percent,
                "label": progress_label(p.counts),
            }
            for p in answer_progress(manifesto)
        ],
    }


def progress_label(counts: Counts) -> str:
    return ngettext(
        "%(answered)d proposition sur %(total)d a reçu sa réponse",
        "%(answered)d propositions sur %(total)d ont reçu leur réponse",
        counts.answered,
    ) % {"answered": counts.answered, "total": counts.total}
