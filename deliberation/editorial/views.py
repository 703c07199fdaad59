"""The desk's pages and forms. Thin: check the person, read through selectors or call one
service, redirect with a message. Every action works without JavaScript."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from deliberation.editorial import forms, live, selectors, services
from deliberation.errors import AmendmentConflict, ClauseConflict, PermissionDenied, ServiceError
from manifesto.bounded import parse_int
from manifesto.models import EssFamily, Manifesto
from manifesto.permissions import is_collective_member


def _forbidden(request, manifesto: Manifesto, message: str):
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"error": "forbidden", "message": message}, status=403)
    return render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": message}, status=403)


def members_only(view):
    """Load the manifesto; anonymous visitors go to the login page, non-members get a 403."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        manifesto = get_object_or_404(Manifesto, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_collective_member(request.user, manifesto):
            return _forbidden(request, manifesto, _("Le bureau de rédaction est réservé aux membres du collectif de rédaction."))
        try:
            return view(request, manifesto, *args, **kwargs)
        except PermissionDenied as error:
            # The service checks again inside its transaction; its word is final.
            return _forbidden(request, manifesto, error.message)

    return wrapper


def _back(request, manifesto):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("editorial:desk", slug=manifesto.slug)


def _invalid(request, manifesto, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _back(request, manifesto)


# ------------------------------------------------------------------------- reading


@require_GET
@members_only
def desk(request, manifesto):
    filters = selectors.Filters.from_query(request.GET)
    query = request.GET.copy()
    query.pop("fragment", None)
    context = {
        # Where the action forms come back to: the desk with its filters, never the fragment.
        "desk_path": request.path + ("?" + query.urlencode() if query else ""),
        "manifesto": manifesto,
        "desk": selectors.desk(manifesto, filters=filters),
        "families": EssFamily.choices,
        "states": [
            ("waiting", _("En attente de position")),
            ("retained", _("Retenu par une agora")),
            ("not_retained", _("Non retenu par l'agora")),
            ("deferred", _("Reporté")),
        ],
        "words": live.js_words(),
    }
    template = "deliberation/editorial/_groups.html" if request.GET.get("fragment") else "deliberation/editorial/desk.html"
    return render(request, template, context)


@require_GET
@members_only
def journal(request, manifesto):
    """What changed on the desk since `since`: the journal's new seq and a sentence per event."""
    since = parse_int(request.GET.get("since"), minimum=0, default=0)
    return JsonResponse(live.changes_since(manifesto, since=since))


# ------------------------------------------------------------------------- actions


def _done(request, integration) -> str:
    count = len(integration.amendments)
    if integration.clause is None:
        return ngettext("Amendement intégré : l'article est supprimé.", "Amendements intégrés : l'article est supprimé.", count)
    return ngettext(
        "%(count)d amendement intégré à l'article %(number)s.",
        "%(count)d amendements intégrés à l'article %(number)s.",
        count,
    ) % {"count": count, "number": integration.clause.number}


@require_POST
@members_only
def integrate(request, manifesto):
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, manifesto, form)
    ids = form.cleaned_data["ids"]
    try:
        integration = services.integrate(actor=request.user, manifesto=manifesto, amendment_ids=ids)
    except AmendmentConflict as conflict:
        return _conflict_page(request, manifesto, ids, conflict)
    except ClauseConflict as error:
        messages.error(request, error.message)
        return _back(request, manifesto)
    except ServiceError as error:
        messages.error(request, error.message)
        return _back(request, manifesto)
    message = _done(request, integration)
    if integration.merged:
        message += " " + _("L'article avait changé depuis : les modifications ne se chevauchaient pas et ont été fusionnées.")
    messages.success(request, message)
    return _back(request, manifesto)


def _conflict_page(request, manifesto, ids, conflict):
    """Nothing was written: the three texts, and a form to write the wording on the current text."""
    form = forms.WordingForm(
        initial={"ids": ",".join(map(str, ids)), "text": conflict.current, "expected_revision": conflict.current_revision}
    )
    context = {
        "manifesto": manifesto,
        "conflict": conflict,
        "form": form,
    }
    return render(request, "deliberation/editorial/conflict.html", context, status=409)


@members_only
def wording(request, manifesto):
    """Integrate with modification: the editor writes the text, credited to the amendments."""
    ids_form = forms.ActionForm(request.POST if request.method == "POST" else request.GET)
    if not ids_form.is_valid():
        return _invalid(request, manifesto, ids_form)
    ids = ids_form.cleaned_data["ids"]
    context = selectors.wording_context(manifesto, ids)
    initial = {"ids": ",".join(map(str, ids)), "text": context.suggestion, "expected_revision": context.revision}
    status = 200
    if request.method != "POST":
        form = forms.WordingForm(initial=initial)
    else:
        form = forms.WordingForm(request.POST)
        if form.is_valid():
            try:
                integration = services.integrate_modified(
                    actor=request.user,
                    manifesto=manifesto,
                    amendment_ids=ids,
                    text=form.cleaned_data["text"],
                    expected_revision=form.cleaned_data["expected_revision"],
                )
            except ClauseConflict as error:
                # The article moved on while the editor wrote: keep their words, show the new text.
                messages.error(request, error.message)
                status = 409
                form = forms.WordingForm(initial={**initial, "text": form.cleaned_data["text"]})
            except ServiceError as error:
                messages.error(request, error.message)
                status = 400
            else:
                # The credit is a phrase, not a sentence (« d'après l'amendement n° 3 »): quoted, it follows a full stop.
                credit = _("Rédaction créditée « %(credit)s ».") % {"credit": services.credit_line(integration.amendments)}
                messages.success(request, _done(request, integration) + " " + credit)
                return redirect("editorial:desk", slug=manifesto.slug)
        else:
            status = 400
    return render(
        request, "deliberation/editorial/wording.html", {"manifesto": manifesto, "form": form, "wording": context}, status=status
    )


@require_POST
@members_only
def set_aside(request, manifesto):
    form = forms.SetAsideForm(request.POST)
    if not form.is_valid():
        return _invalid(request, manifesto, form)
    try:
        answered = services.set_aside(
            actor=request.user, manifesto=manifesto, amendment_ids=form.cleaned_data["ids"], reason=form.cleaned_data["reason"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("Amendement %(numbers)s écarté.", "Amendements %(numbers)s écartés.", len(answered))
            % {"numbers": services.numbers_phrase(answered)},
        )
    return _back(request, manifesto)


@require_POST
@members_only
def defer(request, manifesto):
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, manifesto, form)
    try:
        deferred = services.defer(actor=request.user, manifesto=manifesto, amendment_ids=form.cleaned_data["ids"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("Amendement %(numbers)s reporté.", "Amendements %(numbers)s reportés.", len(deferred))
            % {"numbers": services.numbers_phrase(deferred)},
        )
    return _back(request, manifesto)
