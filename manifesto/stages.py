"""The stages of a manifesto's whole process, as data.

contributions → rédaction → agoras → synthèse → adoption → proclamée → close. Each stage says
which actions it allows (like a live session's phases, agora.phases); `require_allowed` is the
one check that the services of every app ask, so HTTP, websocket and admin paths obey the
same rule. A manifesto without stages configured has no staged process: every action is
allowed, as before stages existed.

Other apps plug in from their AppConfig.ready, so this module never imports them:
- `register_output(kind, fn)`: fn(manifesto) -> list of sentences, what the stage produced
  ("12 contributions"), shown on the public timeline;
- `register_leave_guard(fn)`: fn(manifesto, kind) -> sentence or None, what would be lost by
  going back to before stage `kind` (an opened vote, signatures collected). Going back is
  allowed only when no guard answers.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import npgettext

from manifesto.errors import WrongStage
from manifesto.models import Stage, StageKind


@dataclass(frozen=True)
class StageSpec:
    kind: str
    help: str
    actions: frozenset

    @property
    def label(self) -> str:
        return str(StageKind(self.kind).label)


# The actions that stages gate, with the words a refusal uses ("Proposer une contribution").
ACTIONS: dict[str, str] = {
    "contribution.post": _lazy("Proposer une contribution"),
    "contribution.support": _lazy("Soutenir une contribution"),
    "contribution.comment": _lazy("Commenter une contribution"),
    "contribution.answer": _lazy("Répondre à une contribution"),
    "article.draft": _lazy("Rédiger un article d'après les contributions"),
    "session.open": _lazy("Ouvrir une séance en direct"),
    "amendment.propose": _lazy("Proposer un amendement"),
    "amendment.support": _lazy("Soutenir un amendement"),
    "amendment.comment": _lazy("Commenter un amendement"),
    "amendment.moderate": _lazy("Décider d'un amendement"),
    "editorial.integrate": _lazy("Intégrer des amendements au texte"),
    "text.edit": _lazy("Modifier directement le texte"),
    "vote.open": _lazy("Ouvrir le vote d'adoption"),
    "vote.cast": _lazy("Voter"),
    "proclaim": _lazy("Proclamer le texte"),
    "signature.sign": _lazy("Signer le manifeste"),
}

STAGES: dict[str, StageSpec] = {
    spec.kind: spec
    for spec in [
        StageSpec(
            StageKind.CONTRIBUTIONS,
            _lazy("Chacun·e propose ses idées et soutient celles des autres, en ligne ou en agora."),
            frozenset({"contribution.post", "contribution.support", "contribution.comment", "session.open"}),
        ),
        StageSpec(
            StageKind.DRAFTING,
            _lazy("Le collectif de rédaction écrit le texte à partir des contributions et répond à chacune."),
            frozenset({"contribution.answer", "article.draft", "text.edit"}),
        ),
        StageSpec(
            StageKind.AGORAS,
            _lazy("Les agoras et l'espace en ligne amendent le texte article par article."),
            frozenset(
                {"session.open", "amendment.propose", "amendment.support", "amendment.comment", "amendment.moderate"}
            ),
        ),
        StageSpec(
            StageKind.SYNTHESIS,
            _lazy("Le collectif de rédaction intègre les amendements et répond à chacun."),
            frozenset({"editorial.integrate", "amendment.moderate", "contribution.answer", "text.edit"}),
        ),
        StageSpec(
            StageKind.ADOPTION,
            _lazy("Le texte figé est soumis au vote d'adoption."),
            frozenset({"vote.open", "vote.cast", "proclaim"}),
        ),
        StageSpec(
            StageKind.PROCLAIMED,
            _lazy("Le texte adopté est définitif ; chacun·e peut le signer."),
            frozenset({"signature.sign"}),
        ),
        StageSpec(StageKind.CLOSED, _lazy("Le processus est terminé."), frozenset()),
    ]
}
ORDER: list[str] = list(StageKind.values)
assert list(STAGES) == ORDER
assert all(action in ACTIONS for spec in STAGES.values() for action in spec.actions)


def label(kind: str) -> str:
    return str(StageKind(kind).label)


def stages_allowing(action: str) -> list[str]:
    return [kind for kind in ORDER if action in STAGES[kind].actions]


# ---------------------------------------------------------------- plug-ins of other apps

_outputs: dict[str, list[Callable]] = {}
_leave_guards: list[Callable] = []


def register_output(kind: str, fn: Callable) -> Callable:
    if kind not in STAGES:
        raise ValueError(f"unknown stage {kind!r}")
    if fn not in _outputs.setdefault(kind, []):
        _outputs[kind].append(fn)
    return fn


def register_leave_guard(fn: Callable) -> Callable:
    if fn not in _leave_guards:
        _leave_guards.append(fn)
    return fn


def outputs(manifesto, kind: str) -> list[str]:
    return [sentence for fn in _outputs.get(kind, []) for sentence in fn(manifesto)]


def losses_going_back(manifesto, kind: str) -> list[str]:
    """What going back to stage `kind` would lose, one sentence per loss; empty: nothing."""
    return [sentence for fn in _leave_guards if (sentence := fn(manifesto, kind))]


# ---------------------------------------------------------------- reads


def stages_of(manifesto) -> list[Stage]:
    """The manifesto's stages in order; empty when it has no staged process. Accepts a manifesto or its id."""
    if isinstance(manifesto, int):
        return list(Stage.objects.filter(manifesto_id=manifesto).order_by("position"))
    remembered = getattr(manifesto, "_remembered_stages", None)
    if remembered is not None:
        return list(remembered)
    return list(Stage.objects.filter(manifesto_id=manifesto.pk).order_by("position"))


def remember_stages(manifesto) -> list[Stage]:
    """Read the stages once for a page that asks several times (timeline, navigation, panels).

    For views only, on a manifesto loaded for this request: a service reads them afresh."""
    manifesto._remembered_stages = None
    manifesto._remembered_stages = stages_of(manifesto)
    return list(manifesto._remembered_stages)


def current(stages: list[Stage]) -> Stage | None:
    return next((stage for stage in stages if stage.is_open), None)


def is_allowed(manifesto, action: str, *, stages: list[Stage] | None = None) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown staged action {action!r}")
    stages = stages_of(manifesto) if stages is None else stages
    if not stages:
        return True
    stage = current(stages)
    return stage is not None and action in STAGES[stage.kind].actions


def _day(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


# « Contributions » and « Agoras » are plural nouns: what is said of them agrees (« Agoras
# terminées », « Contributions closes »); the others are feminine singular (« Synthèse terminée »).
PLURAL_KINDS = frozenset({StageKind.CONTRIBUTIONS, StageKind.AGORAS})


def _number(stage: Stage) -> int:
    """The grammatical number of the stage's name, for npgettext: 2 for a plural noun."""
    return 2 if stage.kind in PLURAL_KINDS else 1


def dates(stage: Stage) -> str:
    """The stage's dates in words: actual where known, planned otherwise. The words agree with
    « étape » (« à l'étape « Agoras » (ouverte le 3 mars) »), not with the stage's name."""
    if stage.state == "skipped":
        return _("étape passée le %(date)s") % {"date": _day(stage.skipped_at)}
    if stage.state == "closed":
        return _("du %(start)s au %(end)s") % {"start": _day(stage.opened_at), "end": _day(stage.closed_at)}
    if stage.state == "open":
        if stage.planned_closes_on:
            return _("ouverte le %(start)s, clôture prévue le %(end)s") % {
                "start": _day(stage.opened_at),
                "end": _day(stage.planned_closes_on),
            }
        return _("ouverte depuis le %(start)s") % {"start": _day(stage.opened_at)}
    if stage.planned_opens_on and stage.planned_closes_on:
        return _("prévue du %(start)s au %(end)s") % {
            "start": _day(stage.planned_opens_on),
            "end": _day(stage.planned_closes_on),
        }
    if stage.planned_opens_on:
        return _("ouverture prévue le %(start)s") % {"start": _day(stage.planned_opens_on)}
    return _("dates à venir")


def public_badge(stage: Stage, when: str) -> str:
    """The word beside the stage's name on the public timeline, agreeing with it: « Agoras terminées »."""
    n = _number(stage)
    if when == "current":
        return _("en cours")
    if stage.state == "skipped":
        return npgettext("étape", "passée", "passées", n)
    if when == "past":
        return npgettext("étape", "terminée", "terminées", n)
    return _("à venir")


def organiser_badge(stage: Stage) -> str:
    """The word beside the stage's name on the organiser's page, agreeing with it: « Contributions closes »."""
    n = _number(stage)
    if stage.state == "open":
        return npgettext("étape", "ouverte", "ouvertes", n)
    if stage.state == "closed":
        return npgettext("étape", "close", "closes", n)
    if stage.state == "skipped":
        return npgettext("étape", "passée", "passées", n)
    return _("à venir")


def refusal(manifesto, action: str, *, stages: list[Stage]) -> str:
    """The sentence that refuses `action` now: the current stage and its dates, and when it is possible."""
    what = str(ACTIONS[action])
    stage = current(stages)
    if stage is not None:
        sentence = _("%(action)s n'est pas possible à l'étape « %(stage)s » (%(dates)s).") % {
            "action": what,
            "stage": stage.get_kind_display(),
            "dates": dates(stage),
        }
    elif all(s.state in ("pending", "skipped") for s in stages):
        sentence = _("%(action)s n'est pas encore possible : le processus n'a pas commencé.") % {"action": what}
    else:
        last = max((s for s in stages if s.closed_at), key=lambda s: s.closed_at)
        sentence = _("%(action)s n'est pas possible : aucune étape n'est ouverte ; l'étape « %(stage)s » est close (%(dates)s).") % {
            "action": what,
            "stage": last.get_kind_display(),
            "dates": dates(last),
        }
    by_kind = {s.kind: s for s in stages}
    allowing = [by_kind[kind] for kind in stages_allowing(action) if kind in by_kind]
    if allowing:
        sentence += " " + _("C'est possible à l'étape %(stages)s.") % {
            "stages": _(" ou à l'étape ").join(f"« {s.get_kind_display()} » ({dates(s)})" for s in allowing)
        }
    return sentence


def require_allowed(manifesto, action: str) -> None:
    """Raise WrongStage (code `wrong_stage`) unless the manifesto's current stage allows `action`."""
    stages = stages_of(manifesto)
    if not is_allowed(manifesto, action, stages=stages):
        raise WrongStage(refusal(manifesto, action, stages=stages))


# ---------------------------------------------------------------- the public timeline


@dataclass
class TimelineEntry:
    stage: Stage
    spec: StageSpec
    state: str  # pending | open | closed | skipped
    when: str  # "past" | "current" | "next"
    dates: str
    outputs: list[str]
    badge: str = ""  # the word beside the name on the public timeline (public_badge)
    organiser_badge: str = ""  # the same on the organiser's page of the stages


def timeline(manifesto) -> list[TimelineEntry]:
    """Every stage in order, with its dates and what it produced; empty without stages."""
    stages = stages_of(manifesto)
    now = current(stages)
    entries = []
    for stage in stages:
        if stage.state == "open":
            when = "current"
        elif stage.state == "closed" or (stage.state == "skipped" and (now is None or stage.position < now.position)):
            when = "past"
        else:
            when = "next"
        shows_output = stage.state in ("open", "closed")
        entries.append(
            TimelineEntry(
                stage=stage,
                spec=STAGES[stage.kind],
                state=stage.state,
                when=when,
                dates=dates(stage),
                outputs=outputs(manifesto, stage.kind) if shows_output else [],
                badge=public_badge(stage, when),
                organiser_badge=organiser_badge(stage),
            )
        )
    return entries
