"""Deliberation's pages and no-JavaScript forms. Thin: parse a form, call one service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.models import LiveSession
from agora.selectors import current_participant
from deliberation import erasure, forms, outcomes, permissions, selectors, services
from deliberation.errors import AmendmentConflict, ServiceError
from manifesto.errors import PermissionDenied as PermissionRefused
from manifesto.errors import refuse_if_forbidden
from deliberation.models import AgoraPosition, Amendment, AmendmentKind, AmendmentState
from deliberation.permissions import Actor
from manifesto.bounded import parse_ids, parse_int
from manifesto.merge import three_way_merge
from manifesto.models import EssFamily


def _actor(request, session) -> Actor:
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user, participant=current_participant(request, session) if session is not None else None)


def _amendment(request, pk) -> tuple[Amendment, Actor]:
    amendment = get_object_or_404(selectors.with_relations(), pk=pk)
    actor = _actor(request, amendment.session)
    if not permissions.can_view_amendment(actor, amendment):
        raise Http404
    return amendment, actor


def _session(request, session_pk) -> tuple[LiveSession, Actor]:
    session = get_object_or_404(LiveSession.objects.select_related("agora__manifesto"), pk=session_pk)
    return session, _actor(request, session)


def _back(request, amendment):
    """Back to the page the form was on (a list, the queue) when it says so, else to the permalink."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(amendment)


def _refused(request, error: ServiceError, amendment):
    refuse_if_forbidden(error)
    messages.error(request, error.message)
    return _back(request, amendment)


# ------------------------------------------------------------------------- reading


def amendment_detail(request, pk):
    """The permalink: text, diff, author, agora and session, reasons, totals, comments, decision, history."""
    amendment, actor = _amendment(request, pk)
    totals, by_family = selectors.support_totals(amendment)
    families = [(EssFamily(key).label if key in EssFamily.values else _("Non précisée"), counts) for key, counts in sorted(by_family.items())]
    is_moderator = permissions.can_moderate(actor, amendment)
    context = {
        "amendment": amendment,
        "data": selectors.data_for(amendment, actor),
        "totals": totals,
        "families": families,
        "comments": selectors.comments_for(amendment),
        "history": selectors.history_of(amendment),
        "needs_review": selectors.needs_review(amendment),
        "current_text": amendment.clause.text if amendment.clause_id else None,
        "line_citation": selectors.line_citation(amendment),
        "is_author": permissions.is_author(actor, amendment),
        "is_moderator": is_moderator,
        "participant": actor.participant,
        "own_support": selectors.own_support(amendment, actor.participant),
        "support_form": forms.SupportForm(),
        "comment_form": forms.CommentForm(),
        "reason_form": forms.ReasonForm(),
        "duplicate_form": forms.DuplicateForm(),
        "duplicates": amendment.duplicates.all(),
        "merged_from": amendment.merged_from.all(),
        "reopenable": [state.value for state in services.REOPENABLE],
        # The reason for hiding is for its author and the moderators.
        "public_outcome": not (is_moderator or permissions.is_author(actor, amendment)),
        # Collective mode: the room's part is the agora's position, never a decision on the text.
        "collective": outcomes.decided_by_collective(amendment),
        "position_notes": [outcomes.position_note(p) for p in amendment.positions.select_related("agora")],
    }
    return render(request, "deliberation/amendment_detail.html", context)


def session_amendments(request, session_pk):
    """Every amendment of a session this person may see, by clause: the room without JavaScript."""
    session, actor = _session(request, session_pk)
    is_moderator = permissions.can_moderate_session(actor, session)
    groups = selectors.amendments_by_clause(session, actor, as_moderator=is_moderator)
    for group in groups:
        for amendment in group["amendments"]:
            amendment.review = selectors.needs_review(amendment)
            amendment.diff_html = selectors.amendment_diff(amendment)
    context = {
        "session": session,
        "groups": groups,
        "participant": actor.participant,
        "is_moderator": is_moderator,
        # Live for those the live room lets in: its participants and facilitators.
        "live": actor.participant is not None or is_moderator,
        "can_propose": actor.participant is not None and selectors.proposal_refusal(session) is None,
    }
    return render(request, "deliberation/session_amendments.html", context)


def moderation(request, session_pk):
    """The facilitator's queue: per clause, every amendment with its totals, and the actions."""
    session, actor = _session(request, session_pk)
    if not permissions.can_moderate_session(actor, session):
        raise Http404
    open_amendments = Amendment.objects.filter(session=session, state=AmendmentState.OPEN).exclude(kind=AmendmentKind.INSERT)
    context = {
        "session": session,
        "queue": selectors.moderation_queue(session),
        "merge_form": forms.MergeForm(amendments=open_amendments),
        "reason_form": forms.ReasonForm(),
        "shown_id": getattr(selectors.shown_amendment(session), "pk", None),
    }
    return render(request, "deliberation/moderation.html", context)


# ------------------------------------------------------------------------- participants


def _propose_form(session, data=None, initial=None):
    return forms.ProposeForm(
        data, initial=initial, clauses=selectors.clauses_in_scope(session), sections=selectors.sections_in_scope(session)
    )


def propose(request, session_pk):
    session, actor = _session(request, session_pk)
    refusal = selectors.proposal_refusal(session)
    form = _propose_form(session, request.POST if request.method == "POST" else None, _propose_initial(request, session))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and not permissions.is_active_participant(actor, session):
        # Refused before the form is read: the page says to join the session first.
        form.add_error(None, _("Rejoignez la séance pour participer."))
        status = 403
    elif request.method == "POST" and form.is_valid():
        proposal = {
            "actor": actor,
            "session": session,
            "kind": form.cleaned_data["kind"],
            "clause": form.cleaned_data["clause"],
            "section": form.cleaned_data["section"],
            "text": form.cleaned_data["text"],
            "justification": form.cleaned_data["justification"],
        }
        try:
            if form.cleaned_data["token"]:
                amendment, filed = services.propose_amendment_once(token=form.cleaned_data["token"], **proposal)
            else:
                amendment, filed = services.propose_amendment(**proposal), True
        except ServiceError as error:
            form.add_error(None, error.message)  # what they typed stays in the form
            status = 403 if isinstance(error, PermissionRefused) else 400
        else:
            if filed:
                messages.success(request, _("Votre amendement n° %(number)s est déposé.") % {"number": amendment.number})
            else:
                messages.info(request, _("Ce formulaire a déjà été envoyé : votre amendement n° %(number)s est déposé une seule fois.")
                              % {"number": amendment.number})
            return redirect(amendment)
    clauses = {c.pk: c.text for c in form.fields["clause"].queryset}
    return render(
        request,
        "deliberation/propose.html",
        {
            "session": session, "form": form, "participant": actor.participant, "clause_texts": clauses,
            # Offered only when it can work; a refused post keeps its text in the form all the same.
            "refusal": refusal, "closed": refusal is not None and request.method != "POST",
        },
        status=status,
    )


def _propose_initial(request, session) -> dict:
    """Without JavaScript too the form starts on the article in discussion, with its current text
    to rewrite (or the one the link names: ?article=<id>&nature=<kind>), and a one-time token."""
    kind = request.GET.get("nature", AmendmentKind.MODIFY)
    clause_id = request.GET.get("article") or session.focus_clause_id
    initial = {"kind": kind, "clause": clause_id, "token": forms.new_token()}
    clause_pk = parse_int(clause_id)
    clause = selectors.clauses_in_scope(session).filter(pk=clause_pk).first() if clause_pk is not None else None
    if clause is not None:
        initial["clause"] = clause.pk
        if kind == AmendmentKind.MODIFY:
            initial["text"] = clause.text
    return initial


def edit(request, pk):
    amendment, actor = _amendment(request, pk)
    if not permissions.can_edit_amendment(actor, amendment):
        raise Http404
    stale = selectors.needs_review(amendment) and amendment.clause_id is not None
    initial = {"text": amendment.text, "justification": amendment.justification}
    if stale:
        # Offer the amendment carried over onto the current text when the two merge cleanly.
        merged = three_way_merge(base=amendment.base_text, current=amendment.clause.text, proposed=amendment.text)
        initial.update(rebase=True, text=merged.text if not merged.conflict else amendment.text)
    form = forms.EditForm(request.POST if request.method == "POST" else None, initial=initial)
    if not stale:
        del form.fields["rebase"]
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_amendment(
                actor=actor,
                amendment=amendment,
                text=form.cleaned_data["text"],
                justification=form.cleaned_data["justification"],
                rebase=form.cleaned_data.get("rebase", False),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre amendement est modifié."))
            return redirect(amendment)
    return render(request, "deliberation/edit.html", {"amendment": amendment, "form": form, "stale": stale})


@require_POST
def withdraw(request, pk):
    amendment, actor = _amendment(request, pk)
    try:
        services.withdraw_amendment(actor=actor, amendment=amendment)
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(request, _("Votre amendement est retiré."))
    return redirect(amendment)


@require_POST
def support(request, pk):
    amendment, actor = _amendment(request, pk)
    form = forms.SupportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez pour, contre ou abstention."))
        return redirect(amendment)
    try:
        services.set_support(actor=actor, amendment=amendment, value=form.cleaned_data["value"])
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(request, _("Votre position est enregistrée."))
    return _back(request, amendment)


@require_POST
def comment(request, pk):
    amendment, actor = _amendment(request, pk)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez votre commentaire et dites s'il est pour ou contre."))
        return redirect(amendment)
    try:
        services.add_comment(actor=actor, amendment=amendment, **form.cleaned_data)
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(request, _("Votre commentaire est publié."))
    return redirect(amendment)


# ------------------------------------------------------------------------- facilitators


def accept(request, pk):
    """Accept; on a conflict, show the three texts and a form to write the merged text."""
    amendment, actor = _amendment(request, pk)
    if not permissions.can_moderate(actor, amendment):
        raise Http404
    conflict = None
    form = forms.AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resolving = form.cleaned_data["resolve"]
        try:
            acceptance = services.accept_amendment(
                actor=actor,
                amendment=amendment,
                resolved_text=form.cleaned_data["resolved_text"] if resolving else None,
                expected_revision=form.cleaned_data["expected_revision"] if resolving else None,
            )
        except AmendmentConflict as error:
            conflict = error
            messages.error(request, error.message)
        except ServiceError as error:
            return _refused(request, error, amendment)
        else:
            if acceptance.position is not None:
                # Collective mode: say plainly that the text did not change.
                messages.success(request, outcomes.position_note(acceptance.position))
                return _back(request, amendment)
            if acceptance.merged:
                message = _(
                    "Amendement n° %(number)s adopté. L'article avait changé depuis : les deux modifications "
                    "ne se chevauchaient pas et ont été fusionnées."
                )
            elif acceptance.resolved:
                message = _("Amendement n° %(number)s adopté avec le texte fusionné.")
            else:
                message = _("Amendement n° %(number)s adopté.")
            messages.success(request, message % {"number": amendment.number})
            return _back(request, amendment)
    if request.method != "POST":
        # The page a `conflict` reply names: opened with GET, it shows the three texts at once.
        conflict = selectors.pending_conflict(amendment)
    if conflict is not None:
        form = forms.AcceptForm(
            initial={"resolved_text": conflict.current, "expected_revision": conflict.current_revision, "resolve": True}
        )
    return render(request, "deliberation/accept.html", {"amendment": amendment, "conflict": conflict, "form": form})


def _moderate(request, pk, action, form_class=None, success=""):
    amendment, actor = _amendment(request, pk)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _("Indiquez un motif."))
            return redirect(amendment)
        kwargs = form.cleaned_data
    try:
        action(actor=actor, amendment=amendment, **kwargs)
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(request, _position_message(amendment) or success % {"number": amendment.number})
    return _back(request, amendment)


def _position_message(amendment) -> str | None:
    """In collective mode, the agora's position just taken, in words; None in room mode."""
    if not outcomes.decided_by_collective(amendment):
        return None
    position = AgoraPosition.objects.filter(amendment=amendment).select_related("agora").first()
    return outcomes.position_note(position) if position is not None else None


@require_POST
def undo_accept(request, pk):
    """The no-JavaScript path of amendment.undo_accept, within the undo window."""
    amendment, actor = _amendment(request, pk)
    if not permissions.can_moderate(actor, amendment):
        raise Http404
    try:
        services.undo_acceptance(actor=actor, amendment=amendment)
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(request, _("Adoption de l'amendement n° %(number)s annulée : le texte est rétabli.") % {"number": amendment.number})
    return _back(request, amendment)


@require_POST
def reject(request, pk):
    return _moderate(request, pk, services.reject_amendment, forms.ReasonForm, _("Amendement n° %(number)s rejeté."))


@require_POST
def hide(request, pk):
    return _moderate(request, pk, services.hide_amendment, forms.ReasonForm, _("Amendement n° %(number)s masqué."))


@require_POST
def reopen(request, pk):
    return _moderate(request, pk, services.reopen_amendment, None, _("Amendement n° %(number)s rouvert."))


@require_POST
def mark_duplicate(request, pk):
    amendment, actor = _amendment(request, pk)
    if not permissions.can_moderate(actor, amendment):  # refused before the form is read
        raise PermissionDenied(_("Seuls les animateur·rices de l'agora peuvent faire cela."))
    form = forms.DuplicateForm(request.POST)
    original = None
    if form.is_valid():
        original = Amendment.objects.filter(manifesto_id=amendment.manifesto_id, number=form.cleaned_data["duplicate_of"]).first()
    if original is None or not permissions.can_view_amendment(actor, original):
        messages.error(request, _("Indiquez le numéro d'un amendement existant."))
        return redirect(amendment)
    try:
        services.mark_duplicate(actor=actor, amendment=amendment, duplicate_of=original)
    except ServiceError as error:
        return _refused(request, error, amendment)
    messages.success(
        request,
        _position_message(amendment) or _("Amendement n° %(number)s marqué comme doublon.") % {"number": amendment.number},
    )
    return redirect(amendment)


@require_POST
def merge(request, session_pk):
    session, actor = _session(request, session_pk)
    if not permissions.can_moderate_session(actor, session):
        raise Http404
    open_amendments = Amendment.objects.filter(session=session, state=AmendmentState.OPEN)
    form = forms.MergeForm(request.POST, amendments=open_amendments)
    if form.is_valid():
        try:
            compromise = services.merge_amendments(
                actor=actor,
                amendments=list(form.cleaned_data["amendments"]),
                text=form.cleaned_data["text"],
                justification=form.cleaned_data["justification"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Compromis déposé : amendement n° %(number)s.") % {"number": compromise.number})
            return redirect(compromise)
    return render(
        request,
        "deliberation/moderation.html",
        {"session": session, "queue": selectors.moderation_queue(session), "merge_form": form, "reason_form": forms.ReasonForm()},
    )


@require_POST
def erase_me(request, session_pk):
    """A participant erases their own name from the session, from their own browser."""
    session = get_object_or_404(LiveSession, pk=session_pk)
    participant = current_participant(request, session)
    if participant is None:
        raise PermissionDenied(_("Rejoignez la séance avec son code avant de vous connecter."))
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Cochez la case pour confirmer l'effacement de votre nom."))
        return redirect("agora:room", pk=session.pk)
    erasure.erase_participant(actor=None, participant=participant, own=True)
    messages.success(request, _("Votre nom est effacé de cette séance. Vos propositions et soutiens restent, sans votre nom."))
    return redirect("agora:room", pk=session.pk)


@require_POST
def show_on_projector(request, session_pk):
    """The no-JavaScript path of session.show_amendment: put an amendment on the projector, or clear it."""
    session, actor = _session(request, session_pk)
    if not permissions.can_moderate_session(actor, session):
        raise Http404
    # One amendment_id, several (side by side), or an empty one (clears the projector).
    ids = parse_ids(request.POST.getlist("amendment_id"))
    try:
        shown = services.show_amendments(actor=actor, session=session, amendment_ids=ids)
    except ServiceError as error:
        refuse_if_forbidden(error)
        messages.error(request, error.message)
    else:
        if not shown:
            messages.success(request, _("La projection ne montre plus d'amendement."))
        elif len(shown) == 1:
            messages.success(request, _("Amendement n° %(number)s à l'écran.") % {"number": shown[0].number})
        else:
            messages.success(request, _("Amendements %(numbers)s côte à côte à l'écran.")
                             % {"numbers": ", ".join(f"n° {a.number}" for a in shown)})
    return _back_to_session(request, session)


@require_POST
def set_join_box(request, session_pk):
    """The no-JavaScript path of session.set_join_box: shrink or enlarge the projector's join box."""
    session, actor = _session(request, session_pk)
    if not permissions.can_moderate_session(actor, session):
        raise Http404
    try:
        small = services.set_join_box(actor=actor, session=session, small=request.POST.get("small") == "1")
    except ServiceError as error:
        refuse_if_forbidden(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le cadre « Rejoindre » est réduit sur la projection.") if small
                         else _("Le cadre « Rejoindre » est agrandi sur la projection."))
    return _back_to_session(request, session)


def _back_to_session(request, session):
    """Back to the console or the queue the form was on (`next`), else to the moderation queue."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("deliberation:moderation", session_pk=session.pk)
