"""Pages of a new text and of a draft's import. Thin: a form reads and checks, the preview
shows what the session keeps, the confirmation calls one service (docs/drafting.md)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manifesto import permissions, stages
from manifesto.drafting import pending as kept
from manifesto.drafting import services
from manifesto.drafting.forms import DECISION_MODES, DraftForm, NewTextForm
from manifesto.drafting.structure import summary
from manifesto.errors import PermissionDenied, ServiceError
from manifesto.models import Stage
from manifesto.views import organiser_only


def creators_only(view):
    """Visitors log in first; anyone who may not create texts gets the 403 page with its sentence."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_create_text(request.user):
            raise HttpForbidden(services.refusal())
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise HttpForbidden(str(error.message)) from None

    return wrapper


def _fields_of(form: NewTextForm) -> dict:
    data = form.cleaned_data
    plan = form.stage_plan()
    return {
        "title": data["title"],
        "slug": data["slug"],
        "preamble": data.get("preamble", ""),
        "decision_mode": data["decision_mode"],
        "stage_plan": None
        if plan is None
        else {kind: [d.isoformat() if d else None for d in dates] for kind, dates in plan.items()},
    }


def _plan_of(fields: dict):
    import datetime

    if fields.get("stage_plan") is None:
        return None
    return {
        kind: tuple(datetime.date.fromisoformat(d) if d else None for d in dates)
        for kind, dates in fields["stage_plan"].items()
    }


def _created(request, manifesto, draft):
    if draft is not None:
        messages.success(
            request,
            _("Le texte « %(title)s » est créé : %(summary)s.") % {"title": manifesto.title, "summary": summary(draft)},
        )
    else:
        messages.success(request, _("Le texte « %(title)s » est créé.") % {"title": manifesto.title})
    if stages.stages_of(manifesto):
        messages.info(request, _("Ouvrez la première étape quand vous êtes prêt·e : le texte se modifie à l'étape « Rédaction »."))
        return redirect("manifesto:stages", slug=manifesto.slug)
    return redirect("manifesto:edit", slug=manifesto.slug)


@creators_only
def new_text(request):
    # A draft read for a preview is offered again only to the person coming back from that preview.
    pending = kept.read(request, kind="new")
    if request.method == "POST" and pending and request.POST.get("pending_token") != pending["token"]:
        pending = None
    elif request.method != "POST" and request.GET.get("reprendre") != "1":
        pending = None
    if request.method == "POST":
        form = NewTextForm(request.POST, request.FILES, pending=pending)
        if form.is_valid():
            draft = form.cleaned_data["draft"]
            if draft is None:
                fields = _fields_of(form)
                try:
                    manifesto = services.create_text(
                        actor=request.user, **{**fields, "stage_plan": form.stage_plan()}, draft=None
                    )
                except PermissionDenied:
                    raise
                except ServiceError as error:
                    form.add_error(None, error.message)
                else:
                    return _created(request, manifesto, None)
            else:
                kept.keep(request, kind="new", draft=draft, source_name=form.cleaned_data["source_name"], fields=_fields_of(form))
                return redirect("manifesto:drafting:new_preview")
    else:
        initial = {}
        if pending:
            fields = pending["fields"]
            initial = {key: fields[key] for key in ("title", "slug", "preamble", "decision_mode")}
            initial["with_stages"] = fields["stage_plan"] is not None
            initial["stage_plan"] = _plan_of(fields) or {}
        form = NewTextForm(initial=initial, pending=pending)
    context = {"form": form, "pending": pending, "modes": DECISION_MODES}
    return render(request, "manifesto/drafting/new.html", context, status=400 if form.is_bound else 200)


@creators_only
def new_preview(request):
    pending = kept.read(request, kind="new")
    if request.method == "POST":
        return _decide(request, pending, create=lambda: _create_from(request, pending), back=reverse("manifesto:drafting:new"))
    if pending is None:
        messages.info(request, _("Aucun brouillon n'attend d'être confirmé : commencez par le formulaire."))
        return redirect("manifesto:drafting:new")
    fields = pending["fields"]
    context = {
        "pending": pending,
        "draft": kept.draft_of(pending),
        "fields": fields,
        "mode_label": dict((value, label) for value, label, _help in DECISION_MODES)[fields["decision_mode"]],
        # Said as the stages page says planned dates ("prévue du … au …"), from unsaved stages.
        "stage_plan": [
            (stages.STAGES[kind], stages.dates(Stage(kind=kind, planned_opens_on=opens, planned_closes_on=closes)))
            for kind, (opens, closes) in (_plan_of(fields) or {}).items()
        ],
        "back_url": reverse("manifesto:drafting:new") + "?reprendre=1",
    }
    return render(request, "manifesto/drafting/preview.html", context)


def _create_from(request, pending):
    fields = pending["fields"]
    draft = kept.draft_of(pending)
    manifesto = services.create_text(
        actor=request.user,
        title=fields["title"],
        slug=fields["slug"],
        preamble=fields["preamble"],
        decision_mode=fields["decision_mode"],
        stage_plan=_plan_of(fields),
        draft=draft,
        source_name=pending["source_name"],
    )
    return _created(request, manifesto, draft)


def _decide(request, pending, *, create, back):
    """POST on a preview: abandon it, or confirm the very preview the person saw (its token)."""
    if request.POST.get("action") == "abandon":
        kept.forget(request)
        messages.info(request, _("Import abandonné : rien n'a été écrit."))
        return redirect(back)
    if pending is None or request.POST.get("token") != pending["token"]:
        messages.error(
            request,
            _("Cet aperçu n'est plus celui qui attend (il a été confirmé, abandonné ou remplacé) : rien n'a été écrit. Recommencez."),
        )
        return redirect(back)
    try:
        response = create()
    except PermissionDenied:
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(back + ("&" if "?" in back else "?") + "reprendre=1")
    kept.forget(request)
    return response


# ------------------------------------------------------------------------- into an existing text


@organiser_only(permissions.can_edit_text)
def import_draft(request, manifesto):
    pending = kept.read(request, kind="import", manifesto_id=manifesto.pk)
    has_articles = manifesto.clauses.exists()
    form = None
    if not has_articles:
        if request.method == "POST":
            form = DraftForm(request.POST, request.FILES)
            if form.is_valid():
                kept.keep(
                    request,
                    kind="import",
                    draft=form.cleaned_data["draft"],
                    source_name=form.cleaned_data["source_name"],
                    fields={},
                    manifesto_id=manifesto.pk,
                )
                return redirect("manifesto:drafting:import_preview", slug=manifesto.slug)
        else:
            form = DraftForm()
    context = {"manifesto": manifesto, "form": form, "already_written": services.already_written() if has_articles else ""}
    status = 400 if form is not None and form.errors else 200
    return render(request, "manifesto/drafting/import.html", context, status=status)


@organiser_only(permissions.can_edit_text)
def import_preview(request, manifesto):
    pending = kept.read(request, kind="import", manifesto_id=manifesto.pk)
    back = reverse("manifesto:drafting:import", kwargs={"slug": manifesto.slug})
    if request.method == "POST":
        return _decide(request, pending, create=lambda: _import_from(request, manifesto, pending), back=back)
    if pending is None:
        messages.info(request, _("Aucun brouillon n'attend d'être confirmé : commencez par choisir un fichier."))
        return redirect(back)
    context = {"manifesto": manifesto, "pending": pending, "draft": kept.draft_of(pending), "back_url": back}
    return render(request, "manifesto/drafting/preview.html", context)


def _import_from(request, manifesto, pending):
    draft = kept.draft_of(pending)
    services.import_draft(actor=request.user, manifesto=manifesto, draft=draft, source_name=pending["source_name"])
    messages.success(
        request,
        _("Brouillon importé dans « %(title)s » : %(summary)s.") % {"title": manifesto.title, "summary": summary(draft)},
    )
    return redirect("manifesto:edit", slug=manifesto.slug)
