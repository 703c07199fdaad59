"""Writes of the stages: the organiser configures, plans, opens, closes and skips them.

Every function locks the manifesto row first (the journal takes the same row), so two
organisers acting at once see each other's change, and journals what it did.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manifesto import permissions, stages
from manifesto.errors import InvalidInput, PermissionDenied, WrongStage
from manifesto.journal import record_event
from manifesto.models import Manifesto, Stage


def _require_organiser(actor, manifesto: Manifesto) -> None:
    if not permissions.is_organiser(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices de ce manifeste peuvent conduire ses étapes."))


def _locked_stages(manifesto: Manifesto) -> dict[str, Stage]:
    Manifesto.objects.select_for_update().filter(pk=manifesto.pk).values_list("pk").get()
    return {stage.kind: stage for stage in Stage.objects.select_for_update().filter(manifesto=manifesto).order_by("position")}


def _journal(manifesto: Manifesto, event_type: str, stage: Stage, **extra) -> None:
    record_event(
        manifesto_id=manifesto.pk,
        type=event_type,
        data={"kind": stage.kind, "label": stages.label(stage.kind), "state": stage.state, **extra},
    )


@transaction.atomic
def configure_stages(
    *, actor, manifesto: Manifesto, plan: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None
) -> list[Stage]:
    """Give the manifesto the seven stages (idempotent), with planned dates where `plan` gives them."""
    _require_organiser(actor, manifesto)
    existing = _locked_stages(manifesto)
    plan = plan or {}
    unknown = set(plan) - set(stages.ORDER)
    if unknown:
        raise InvalidInput(_("Étape inconnue : %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    for position, kind in enumerate(stages.ORDER, start=1):
        if kind in existing:
            continue
        opens_on, closes_on = plan.get(kind, (None, None))
        _check_plan(opens_on, closes_on)
        stage = Stage.objects.create(
            manifesto=manifesto,
            kind=kind,
            position=position,
            planned_opens_on=opens_on,
            planned_closes_on=closes_on,
            changed_by=actor,
        )
        existing[kind] = stage
    record_event(manifesto_id=manifesto.pk, type="stage.configured", data={"kinds": list(stages.ORDER)})
    return [existing[kind] for kind in stages.ORDER]


def _check_plan(opens_on, closes_on) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise InvalidInput(_("La clôture prévue doit venir après l'ouverture prévue."))


def _stage(existing: dict[str, Stage], kind: str) -> Stage:
    if not existing:
        raise InvalidInput(_("Ce manifeste n'a pas d'étapes : configurez-les d'abord."))
    if kind not in existing:
        raise InvalidInput(_("Étape inconnue."))
    return existing[kind]


@transaction.atomic
def plan_stage(*, actor, manifesto: Manifesto, kind: str, opens_on: datetime.date | None, closes_on: datetime.date | None) -> Stage:
    _require_organiser(actor, manifesto)
    stage = _stage(_locked_stages(manifesto), kind)
    _check_plan(opens_on, closes_on)
    stage.planned_opens_on, stage.planned_closes_on, stage.changed_by = opens_on, closes_on, actor
    stage.save(update_fields=["planned_opens_on", "planned_closes_on", "changed_by"])
    _journal(
        manifesto,
        "stage.planned",
        stage,
        opens_on=opens_on.isoformat() if opens_on else None,
        closes_on=closes_on.isoformat() if closes_on else None,
    )
    return stage


@dataclass
class StageMove:
    """What opening a stage does (or did): said to the organiser before and after."""

    target: Stage
    backwards: bool
    closes: Stage | None = None
    skips: list[Stage] = field(default_factory=list)
    resets: list[Stage] = field(default_factory=list)  # later stages that become pending again
    losses: list[str] = field(default_factory=list)  # why going back is refused; empty: nothing lost

    @property
    def allowed(self) -> bool:
        return not self.losses

    def sentences(self) -> list[str]:
        said = []
        if self.closes is not None:
            said.append(_("L'étape « %(stage)s » sera close.") % {"stage": self.closes.get_kind_display()})
        if self.skips:
            said.append(
                _("Étapes passées : %(stages)s.") % {"stages": ", ".join(f"« {s.get_kind_display()} »" for s in self.skips)}
            )
        if self.backwards:
            if self.losses:
                said.extend(self.losses)
            else:
                said.append(
                    _("Retour en arrière : rien n'est perdu. Ce qui a été produit depuis reste en place ; %(stages)s redevien(nen)t à venir.")
                    % {"stages": ", ".join(f"« {s.get_kind_display()} »" for s in self.resets) or "—"}
                )
        return said


def _plan_move(manifesto: Manifesto, existing: dict[str, Stage], kind: str) -> StageMove:
    target = _stage(existing, kind)
    now = stages.current(list(existing.values()))
    if now is not None and now.pk == target.pk:
        raise InvalidInput(_("L'étape « %(stage)s » est déjà ouverte.") % {"stage": target.get_kind_display()})
    # The furthest stage reached so far: the open one, or the last one opened.
    reached = [s for s in existing.values() if s.opened_at is not None]
    furthest = now or (max(reached, key=lambda s: s.position) if reached else None)
    backwards = furthest is not None and target.position < furthest.position
    move = StageMove(target=target, backwards=backwards, closes=now)
    if backwards:
        move.resets = [s for s in existing.values() if target.position < s.position and s.state != "pending"]
        move.losses = stages.losses_going_back(manifesto, kind)
    else:
        start = furthest.position if furthest is not None else 0
        move.skips = [s for s in existing.values() if start < s.position < target.position and s.state == "pending"]
    return move


def preview_open(*, manifesto: Manifesto, kind: str) -> StageMove:
    """What `open_stage` would do now, to show the organiser before they confirm."""
    return _plan_move(manifesto, {s.kind: s for s in stages.stages_of(manifesto)}, kind)


@transaction.atomic
def open_stage(*, actor, manifesto: Manifesto, kind: str) -> StageMove:
    """Open stage `kind`: the current stage closes; pending stages jumped over are skipped.

    Going back is allowed only when nothing would be lost (no guard of another app objects);
    the later stages then become pending again and keep what they produced.
    """
    _require_organiser(actor, manifesto)
    existing = _locked_stages(manifesto)
    move = _plan_move(manifesto, existing, kind)
    if not move.allowed:
        raise WrongStage(
            _("Retour à l'étape « %(stage)s » impossible : %(losses)s")
            % {"stage": move.target.get_kind_display(), "losses": " ".join(move.losses)}
        )
    now = timezone.now()
    if move.closes is not None:
        move.closes.closed_at, move.closes.changed_by = now, actor
        move.closes.save(update_fields=["closed_at", "changed_by"])
        _journal(manifesto, "stage.closed", move.closes)
    for stage in move.skips:
        stage.skipped_at, stage.changed_by = now, actor
        stage.save(update_fields=["skipped_at", "changed_by"])
        _journal(manifesto, "stage.skipped", stage)
    for stage in move.resets:
        stage.opened_at = stage.closed_at = stage.skipped_at = None
        stage.changed_by = actor
        stage.save(update_fields=["opened_at", "closed_at", "skipped_at", "changed_by"])
    target = move.target
    if not move.backwards or target.opened_at is None:
        target.opened_at = now
    target.closed_at = target.skipped_at = None
    target.changed_by = actor
    target.save(update_fields=["opened_at", "closed_at", "skipped_at", "changed_by"])
    _journal(manifesto, "stage.opened", target, backwards=move.backwards)
    return move


@transaction.atomic
def close_stage(*, actor, manifesto: Manifesto) -> Stage:
    """Close the current stage without opening the next one (a pause between stages)."""
    _require_organiser(actor, manifesto)
    existing = _locked_stages(manifesto)
    stage = stages.current(list(existing.values()))
    if stage is None:
        raise InvalidInput(_("Aucune étape n'est ouverte."))
    stage.closed_at, stage.changed_by = timezone.now(), actor
    stage.save(update_fields=["closed_at", "changed_by"])
    _journal(manifesto, "stage.closed", stage)
    return stage


@transaction.atomic
def skip_stage(*, actor, manifesto: Manifesto, kind: str) -> Stage:
    """Mark a stage that has not started as skipped; it may still be opened later."""
    _require_organiser(actor, manifesto)
    stage = _stage(_locked_stages(manifesto), kind)
    if stage.state != "pending":
        raise InvalidInput(_("Seule une étape à venir peut être passée."))
    stage.skipped_at, stage.changed_by = timezone.now(), actor
    stage.save(update_fields=["skipped_at", "changed_by"])
    _journal(manifesto, "stage.skipped", stage)
    return stage
