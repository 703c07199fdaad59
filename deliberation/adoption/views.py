"""Pages of the adoption vote. Thin: read through selectors, or parse a form, call one service.

The ballot page never redirects after a vote: the receipt code is shown in the response to the
POST itself, so it appears in no URL, no access log and no browser history.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deliberation.adoption import forms, permissions, roll, selectors, services
from deliberation.adoption.errors import AlreadyVoted, InvalidVoteLink, PermissionDenied, ServiceError
from deliberation.adoption.models import AdoptionVote, VoteState
from manifesto import selectors as text_selectors
from manifesto.models import Manifesto


def _forbidden(request, manifesto, message):
    return render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": message}, status=403)


def organiser_only(view):
    """Organisers of the manifesto only; anonymous visitors go to the login page, others get a 403."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        manifesto = get_object_or_404(Manifesto, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_manage_vote(request.user, manifesto):
            return _forbidden(request, manifesto, _("Seuls les organisateur·rices peuvent organiser le vote d'adoption."))
        try:
            return view(request, manifesto, *args, **kwargs)
        except PermissionDenied as error:
            return _forbidden(request, manifesto, error.message)

    return wrapper


def _vote(manifesto, pk) -> AdoptionVote:
    return get_object_or_404(AdoptionVote.objects.select_related("version", "manifesto"), manifesto=manifesto, pk=pk)


# ----------------------------------------------------------------------------- organiser


@organiser_only
def manage(request, manifesto):
    """The manifesto's votes, and a new vote in preparation."""
    form = forms.NewVoteForm(request.POST or None, manifesto=manifesto)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.create_vote(
                actor=request.user, manifesto=manifesto, version=form.cleaned_data["version"], rules=form.rules()
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Vote préparé : importez maintenant la liste électorale."))
            return redirect(vote.get_absolute_url())
    return render(
        request,
        "deliberation/adoption/manage.html",
        {"manifesto": manifesto, "votes": selectors.votes_of(manifesto), "form": form},
        status=400 if form.errors else 200,
    )


def _organiser_context(request, vote, **extra):
    voters = list(vote.voters.select_related("turnout").order_by("name", "pk"))
    context = {
        "voters": voters,
        "small_weights": roll.small_weight_classes([voter.weight for voter in voters]) if any(v.weight != 1 for v in voters) else [],
        "rules_form": forms.RulesForm(
            initial={
                "title": vote.title,
                "closes_at": vote.closes_at,
                "majority": vote.majority,
                "quorum_percent": vote.quorum_percent,
                "per_article": vote.per_article,
            }
        ),
        "import_form": forms.RollImportForm(),
        "agoras_form": forms.AgorasForm(manifesto=vote.manifesto),
    }
    context.update(extra)
    return context


def detail(request, slug, pk):
    """The vote's public page: its rules and version, the live turnout, the results once closed.
    Organisers also prepare and run the vote here."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    vote = _vote(manifesto, pk)
    is_manager = permissions.can_manage_vote(request.user, manifesto)
    if vote.state == VoteState.DRAFT and not is_manager:
        raise Http404(_("Ce vote n'est pas encore ouvert."))
    context = {"manifesto": manifesto, "vote": vote, "is_manager": is_manager, **_public_context(vote)}
    if is_manager:
        context.update(_organiser_context(request, vote))
    return render(request, "deliberation/adoption/detail.html", context)


def _public_context(vote):
    # Once closed, the turnout is the one counted at close (the roll itself goes after retention).
    figures = vote.results["turnout"] if vote.is_closed and vote.results else selectors.turnout(vote)
    return {
        "turnout": figures,
        "turnout_percent": selectors.turnout_percent(figures),
        "questions": selectors.questions(vote),
        "results": selectors.published_results(vote),
    }


def _organiser_page(request, manifesto, vote, status=200, **extra):
    context = {"manifesto": manifesto, "vote": vote, "is_manager": True, **_public_context(vote)}
    context.update(_organiser_context(request, vote, **extra))
    if vote.state != VoteState.DRAFT and request.method == "POST":
        # A form posted from a tab opened before the vote did: the page no longer shows that form,
        # so the refusal and what was typed are shown above everything else (nothing was saved).
        context["refusal"] = _("Les règles et la liste électorale ne changent plus une fois le vote ouvert.")
        context["kept"] = _typed(request)
    return render(request, "deliberation/adoption/detail.html", context, status=status)


def _typed(request) -> list[tuple[str, str]]:
    """What the organiser typed in the refused form, to copy from: (field, value) pairs."""
    fields = {**forms.RulesForm.base_fields, **forms.RollImportForm.base_fields}
    return [
        (fields[name].label if name in fields else name, value)
        for name, value in request.POST.items()
        if name not in {"csrfmiddlewaretoken", "accept_valid_rows", "agoras"} and value.strip()
    ]


@require_POST
@organiser_only
def set_rules(request, manifesto, pk):
    vote = _vote(manifesto, pk)
    form = forms.RulesForm(request.POST)
    if form.is_valid():
        try:
            services.set_rules(actor=request.user, vote=vote, rules=form.rules())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Règles du vote enregistrées."))
            return redirect(vote.get_absolute_url())
    return _organiser_page(request, manifesto, vote, status=400, rules_form=form)


@require_POST
@organiser_only
def import_roll(request, manifesto, pk):
    vote = _vote(manifesto, pk)
    form = forms.RollImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _organiser_page(request, manifesto, vote, status=400, import_form=form)
    try:
        result = services.import_roll(
            actor=request.user,
            vote=vote,
            csv_text=form.cleaned_data["text"],
            accept_valid_rows=form.cleaned_data["accept_valid_rows"],
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _organiser_page(request, manifesto, vote, status=400, import_form=form)
    if result.imported:
        messages.success(request, _("%(count)d électeur·rices ajouté·es à la liste.") % {"count": result.imported})
        if result.report.errors:
            messages.warning(request, _("%(count)d lignes écartées.") % {"count": len(result.report.errors)})
        return redirect(vote.get_absolute_url())
    # Nothing imported: show every bad line, and offer to import the good rows only.
    confirm_form = forms.RollImportForm(initial={"text": form.cleaned_data["text"], "accept_valid_rows": True})
    return _organiser_page(
        request, manifesto, vote, status=400, import_form=form, report=result.report, confirm_form=confirm_form
    )


@require_POST
@organiser_only
def add_agoras(request, manifesto, pk):
    vote = _vote(manifesto, pk)
    form = forms.AgorasForm(request.POST, manifesto=manifesto)
    if form.is_valid():
        try:
            added = services.add_agora_registrants(actor=request.user, vote=vote, agoras=list(form.cleaned_data["agoras"]))
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d inscrit·es ajouté·es à la liste.") % {"count": added})
            return redirect(vote.get_absolute_url())
    return _organiser_page(request, manifesto, vote, status=400, agoras_form=form)


def _action(call, done):
    """A POST that calls one service and says what happened; a refusal is shown, nothing changed."""

    @require_POST
    @organiser_only
    def view(request, manifesto, pk):
        vote = _vote(manifesto, pk)
        try:
            result = call(request.user, vote)
        except ServiceError as error:
            if isinstance(error, PermissionDenied):
                raise
            messages.error(request, error.message)
            return redirect(vote.get_absolute_url())
        messages.success(request, done(result))
        return redirect(vote.get_absolute_url())

    return view


clear_roll = _action(
    lambda user, vote: services.clear_roll(actor=user, vote=vote),
    lambda count: _("Liste électorale vidée."),
)
open_vote = _action(
    lambda user, vote: services.open_vote(actor=user, vote=vote),
    lambda vote: _("Vote ouvert : chaque électeur·rice reçoit son lien personnel par courriel."),
)
resend = _action(
    lambda user, vote: services.resend_invitations(actor=user, vote=vote),
    lambda count: _("Nouveau lien envoyé à %(count)d électeur·rices qui n'ont pas encore voté.") % {"count": count},
)
close_vote = _action(
    lambda user, vote: services.close_vote(actor=user, vote=vote),
    lambda vote: _("Vote clos : les résultats sont publiés."),
)
proclaim = _action(
    lambda user, vote: services.proclaim(actor=user, vote=vote),
    lambda vote: _("Texte proclamé : la signature est ouverte sur la version adoptée."),
)


# ----------------------------------------------------------------------------- public


def results(request, slug, pk):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    vote = _vote(manifesto, pk)
    if not vote.is_closed:
        raise Http404(_("Les résultats sont publiés à la clôture du vote."))
    context = {"manifesto": manifesto, "vote": vote, "results": selectors.published_results(vote)}
    return render(request, "deliberation/adoption/results.html", context)


def turnout(request, slug, pk):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    vote = _vote(manifesto, pk)
    if vote.state == VoteState.DRAFT:
        raise Http404()
    figures = selectors.turnout(vote)
    data = {"vote_id": vote.pk, "turnout": figures, "percent": selectors.turnout_percent(figures), "closed": vote.is_closed}
    return JsonResponse(data)


@never_cache
def receipt(request, slug, pk):
    """Check a receipt code: POST only, so the code is in no URL or access log."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    vote = _vote(manifesto, pk)
    form = forms.ReceiptForm(request.POST or None)
    counted = None
    if request.method == "POST" and form.is_valid():
        counted = services.receipt_counted(vote=vote, code=form.cleaned_data["code"])
    return render(request, "deliberation/adoption/receipt.html", {"manifesto": manifesto, "vote": vote, "form": form, "counted": counted})


def _private(response):
    # The link is a secret: never sent to another site (same-origin keeps the Origin header the
    # CSRF check needs), never kept in a cache.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def ballot(request, token):
    """The voter's ballot, reached from the personal link: phone-first, works without JavaScript."""
    try:
        voter = services.voter_for_link(token)
    except InvalidVoteLink as error:
        return _private(render(request, "deliberation/adoption/invalid_link.html", {"message": error.message}, status=404))
    vote = voter.vote
    form = forms.BallotForm(request.POST or None, vote=vote, initial={"fingerprint": vote.version.fingerprint})
    context = {"vote": vote, "manifesto": vote.manifesto, "version": vote.version, "voter": voter, "form": form,
               "numbering": text_selectors.version_numbering(vote.version), **_public_context(vote)}
    if request.method == "POST" and form.is_valid():
        try:
            code = services.cast_ballot(token=token, fingerprint=form.cleaned_data["fingerprint"], choices=form.choices())
        except (InvalidVoteLink, AlreadyVoted) as error:
            return _private(render(request, "deliberation/adoption/invalid_link.html", {"message": error.message}, status=409))
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return _private(render(request, "deliberation/adoption/voted.html", {**context, "receipt_code": code}))
    return _private(render(request, "deliberation/adoption/ballot.html", context, status=400 if form.errors else 200))


