"""The organiser's page of the stages (étapes): configure, plan, open, close, skip. Thin."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manifesto import permissions, stage_services, stages
from manifesto.errors import ServiceError
from manifesto.forms import StagePlanForm
from manifesto.models import StageKind
from manifesto.views import organiser_only


def _page_url(manifesto) -> str:
    return reverse("manifesto:stages", kwargs={"slug": manifesto.slug})


def _kind(kind: str) -> str:
    if kind not in stages.ORDER:
        from django.http import Http404

        raise Http404
    return kind


@organiser_only(permissions.is_organiser)
def stage_list(request, manifesto, *, forms_by_kind=None, status=200):
    entries = stages.timeline(manifesto)
    forms_by_kind = forms_by_kind or {}
    for entry in entries:
        entry.open_refusal = _open_refusal(manifesto, entry) if entry.state != "open" else ""
        entry.form = forms_by_kind.get(entry.stage.kind) or StagePlanForm(
            prefix=entry.stage.kind,
            initial={"opens_on": entry.stage.planned_opens_on, "closes_on": entry.stage.planned_closes_on},
        )
    context = {"manifesto": manifesto, "entries": entries, "specs": [stages.STAGES[k] for k in stages.ORDER]}
    return render(request, "manifesto/stages.html", context, status=status)


def _open_refusal(manifesto, entry) -> str:
    """Why the stage cannot be opened now (going back would lose something), or "": a button that
    can only lead to « Retour en arrière impossible » is not offered (a proclaimed text's stages)."""
    try:
        move = stage_services.preview_open(manifesto=manifesto, kind=entry.stage.kind)
    except ServiceError as error:
        return error.message
    return " ".join(move.losses)


def _run(request, manifesto, call, done):
    try:
        result = call()
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_page_url(manifesto))
    messages.success(request, done(result))
    return redirect(_page_url(manifesto))


@require_POST
@organiser_only(permissions.is_organiser)
def stage_configure(request, manifesto):
    return _run(
        request,
        manifesto,
        lambda: stage_services.configure_stages(actor=request.user, manifesto=manifesto),
        lambda _result: _("Les étapes du processus sont en place."),
    )


@require_POST
@organiser_only(permissions.is_organiser)
def stage_plan(request, manifesto, kind):
    kind = _kind(kind)
    form = StagePlanForm(request.POST, prefix=kind)
    if not form.is_valid():
        return stage_list.__wrapped__(request, manifesto, forms_by_kind={kind: form}, status=400)
    return _run(
        request,
        manifesto,
        lambda: stage_services.plan_stage(
            actor=request.user,
            manifesto=manifesto,
            kind=kind,
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
        ),
        lambda stage: _("Dates prévues de l'étape « %(stage)s » enregistrées.") % {"stage": stage.get_kind_display()},
    )


@organiser_only(permissions.is_organiser)
def stage_open(request, manifesto, kind):
    """GET says what opening the stage will do (and whether going back loses anything); POST does it."""
    kind = _kind(kind)
    if request.method == "POST":
        return _run(
            request,
            manifesto,
            lambda: stage_services.open_stage(actor=request.user, manifesto=manifesto, kind=kind),
            lambda move: " ".join(
                [_("L'étape « %(stage)s » est ouverte.") % {"stage": move.target.get_kind_display()}] + move.sentences()
            ),
        )
    try:
        move = stage_services.preview_open(manifesto=manifesto, kind=kind)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_page_url(manifesto))
    context = {"manifesto": manifesto, "move": move, "label": StageKind(kind).label, "kind": kind}
    return render(request, "manifesto/stage_open.html", context)


@require_POST
@organiser_only(permissions.is_organiser)
def stage_close(request, manifesto):
    return _run(
        request,
        manifesto,
        lambda: stage_services.close_stage(actor=request.user, manifesto=manifesto),
        lambda stage: _("L'étape « %(stage)s » est close.") % {"stage": stage.get_kind_display()},
    )


@require_POST
@organiser_only(permissions.is_organiser)
def stage_skip(request, manifesto, kind):
    kind = _kind(kind)
    return _run(
        request,
        manifesto,
        lambda: stage_services.skip_stage(actor=request.user, manifesto=manifesto, kind=kind),
        lambda stage: _("L'étape « %(stage)s » sera passée.") % {"stage": stage.get_kind_display()},
    )
