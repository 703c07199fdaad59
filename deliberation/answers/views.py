"""The agora report (bilan), the progress of answers as JSON, and the organiser's page for the
editorial collective and the decision mode. Thin: read a selector or call one service."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.models import Agora
from deliberation import services
from deliberation.answers import selectors
from deliberation.answers.forms import AddMemberForm, DecisionModeForm
from deliberation.errors import ServiceError
from deliberation.permissions import Actor
from deliberation.publishing import charts as publishing_charts
from manifesto import permissions as manifesto_permissions
from manifesto import services as text_services
from manifesto.bounded import parse_int
from manifesto.extensions import manifesto_panel
from manifesto.sharing import selectors as sharing_selectors
from manifesto.models import Event, Manifesto

# The events after which the progress may have moved.
PROGRESS_EVENTS = [
    "amendment.proposed",
    "amendment.withdrawn",
    "amendment.accepted",
    "amendment.rejected",
    "amendment.marked_duplicate",
    "amendment.merged",
    "amendment.hidden",
    "amendment.reopened",
    "amendment.acceptance_undone",
    "amendment.position_taken",
    "amendment.outcome_given",
]


def agora_report(request, slug):
    agora = get_object_or_404(Agora.objects.select_related("manifesto"), slug=slug)
    context = selectors.agora_report(agora, Actor.of(request.user))
    context["chart"] = publishing_charts.amendments_by_article(publishing_charts.agora_amendments(agora), chart_id="bilan-articles")
    context["sessions"] = agora.sessions.order_by("opened_at", "pk")
    # Link previews: the report's own words, the text's share image (manifesto/sharing).
    context["share_meta"] = sharing_selectors.page_meta(
        manifesto=agora.manifesto,
        title=_("Bilan — %(agora)s") % {"agora": agora.title},
        description=context["counts"].summary(),
        path=reverse("deliberation_answers:report", kwargs={"slug": agora.slug}),
        type="article",
    )
    return render(request, "deliberation/answers/report.html", context)


def progress(request, slug):
    """The progress of answers per agora; `?depuis=<seq>` answers {"changed": false} when no
    amendment event was journaled since, so the page's script polls cheaply."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    after = parse_int(request.GET.get("depuis"), minimum=0)
    if after is not None:
        last_seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=manifesto.pk)
        if not Event.objects.filter(manifesto=manifesto, seq__gt=after, type__in=PROGRESS_EVENTS).exists():
            return JsonResponse({"seq": last_seq, "changed": False})
    return JsonResponse({**selectors.progress_data(manifesto), "changed": True})


@manifesto_panel
def progress_panel(request, manifesto) -> str:
    rows = selectors.answer_progress(manifesto)
    can_manage = manifesto_permissions.can_manage_collective(request.user, manifesto)
    if not rows and not can_manage:
        return ""
    return render_to_string(
        "deliberation/answers/_progress.html",
        {"manifesto": manifesto, "rows": rows, "seq": manifesto.last_seq, "can_manage": can_manage},
        request=request,
    )


def _collective_page(request, manifesto, *, mode_form=None, member_form=None, status=200):
    context = {
        "manifesto": manifesto,
        "members": manifesto.collective.order_by("username"),
        "mode_form": mode_form or DecisionModeForm(initial={"decision_mode": manifesto.decision_mode}),
        "member_form": member_form or AddMemberForm(),
    }
    return render(request, "deliberation/answers/collective.html", context, status=status)


def _manager_manifesto(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    if not manifesto_permissions.can_manage_collective(request.user, manifesto):
        message = _("Seuls les organisateur·rices composent le collectif de rédaction.")
        return manifesto, render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": message}, status=403)
    return manifesto, None


def collective(request, slug):
    manifesto, refused = _manager_manifesto(request, slug)
    return refused or _collective_page(request, manifesto)


@require_POST
def collective_mode(request, slug):
    manifesto, refused = _manager_manifesto(request, slug)
    if refused:
        return refused
    form = DecisionModeForm(request.POST)
    if not form.is_valid():
        return _collective_page(request, manifesto, mode_form=form, status=400)
    try:
        manifesto = services.set_decision_mode(actor=request.user, manifesto=manifesto, decision_mode=form.cleaned_data["decision_mode"])
    except ServiceError as error:
        form.add_error(None, error.message)
        return _collective_page(request, manifesto, mode_form=form, status=409)
    messages.success(request, _("Qui décide du texte : %(mode)s.") % {"mode": manifesto.get_decision_mode_display()})
    return redirect("deliberation_answers:collective", slug=manifesto.slug)


@require_POST
def collective_add(request, slug):
    manifesto, refused = _manager_manifesto(request, slug)
    if refused:
        return refused
    form = AddMemberForm(request.POST)
    if form.is_valid():
        member = text_services.find_account(form.cleaned_data["account"])
        try:
            text_services.add_collective_member(actor=request.user, manifesto=manifesto, member=member)
        except ServiceError as error:
            form.add_error("account", error.message)
        else:
            messages.success(request, _("%(name)s rejoint le collectif de rédaction.") % {"name": member.get_full_name() or member.get_username()})
            return redirect("deliberation_answers:collective", slug=manifesto.slug)
    return _collective_page(request, manifesto, member_form=form, status=400)


@require_POST
def collective_remove(request, slug, user_id):
    manifesto, refused = _manager_manifesto(request, slug)
    if refused:
        return refused
    member = get_object_or_404(get_user_model(), pk=user_id)
    try:
        text_services.remove_collective_member(actor=request.user, manifesto=manifesto, member=member)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s ne fait plus partie du collectif de rédaction.") % {"name": member.get_full_name() or member.get_username()})
    return redirect("deliberation_answers:collective", slug=manifesto.slug)
