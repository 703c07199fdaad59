"""Pages of agoras and of the live room. Thin: read, or call one service, then redirect.

Every facilitator control is also a plain form posting here, so the console works without
JavaScript; with it, live.js sends the same change as a websocket command.
"""

import base64
import hashlib
import io
import re
import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agora import bulk, calendar, permissions, phases, registry, selectors, services
from agora.charts import agoras_timeline
from agora.forms import AgendaFilterForm, AgoraForm, AgoraImportForm, JoinForm, OnlineJoinForm, RegistrationForm
from agora.models import Agora, LiveSession
from manifesto.bounded import parse_ids, parse_int
from manifesto import spreadsheet
from manifesto.errors import ServiceError, refuse_if_forbidden
from manifesto.models import Manifesto
from manifesto.permissions import is_organiser


def _session_or_404(pk: int) -> LiveSession:
    return get_object_or_404(LiveSession.objects.select_related("agora", "agora__manifesto", "focus_clause"), pk=pk)


def _facilitated_session(request, pk: int) -> LiveSession:
    session = _session_or_404(pk)
    if not permissions.is_facilitator(request.user, session.agora):
        raise HttpForbidden
    return session


def join_url(request, session: LiveSession) -> str:
    path = reverse("agora:join_code", kwargs={"code": session.code})
    return (settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")) + path


def _live_context(request, session: LiveSession, **extra) -> dict:
    return {
        "session": session,
        "agora": session.agora,
        "phase_label": phases.label(session.phase),
        "phases": phases.PHASES.values(),
        # The phase names in this page's language, for live.js: events carry the code only.
        "phase_labels": {code: str(info.label) for code, info in phases.PHASES.items()},
        "queue": selectors.queue_state(session),
        "presence_count": selectors.presence_count(session.pk),
        "join_url": join_url(request, session),
        "websocket_path": f"/ws/live/{session.pk}/",
        "live_parts": registry.live_page_parts(),
        **extra,
    }


# ------------------------------------------------------------------------- agenda and registration


def _online_proposals(request) -> list[dict]:
    """Per manifesto: its open online session, if any, and whether this person may open or close it."""
    rows = []
    for manifesto in Manifesto.objects.order_by("title"):
        session = selectors.online_session(manifesto)
        can_manage = is_organiser(request.user, manifesto)
        if session is not None or can_manage:
            rows.append({"manifesto": manifesto, "session": session, "can_manage": can_manage})
    return rows


AGENDA_PAGE_SIZE = 30


def agenda(request):
    now = timezone.now()
    departements = selectors.agenda_departements()
    filters = AgendaFilterForm(request.GET or None, departements=departements)
    chosen = {}
    if filters.is_bound:
        filters.is_valid()
        chosen = filters.cleaned_data  # the valid filters apply; an invalid one is said on the form and ignored
    when = chosen.get("quand", "")
    agoras = selectors.agenda_agoras(departement=chosen.get("departement", ""),
                                     date_from=chosen.get("du"), date_to=chosen.get("au"))
    upcoming = agoras.filter(ends_at__gte=now).order_by("starts_at", "pk") if when != "passees" else None
    past = agoras.filter(ends_at__lt=now).order_by("-starts_at", "-pk") if when != "a-venir" else None
    return render(request, "agora/agenda.html", {
        "filters": filters,
        "filtered": bool(chosen and any(chosen.values())),
        "timeline": agoras_timeline(agoras.order_by("starts_at", "pk")),
        "online": _online_proposals(request),
        "upcoming": Paginator(upcoming, AGENDA_PAGE_SIZE).get_page(request.GET.get("page")) if upcoming is not None else None,
        "past": Paginator(past, AGENDA_PAGE_SIZE).get_page(request.GET.get("passees")) if past is not None else None,
        "can_create": request.user.is_authenticated
        and (request.user.is_superuser or request.user.organised_manifestos.exists()),
        "importable": _managed_manifestos(request.user),
    })


def _managed_manifestos(user):
    if not user.is_authenticated:
        return Manifesto.objects.none()
    return (Manifesto.objects.all() if user.is_superuser else user.organised_manifestos.all()).order_by("title")


def calendar_file(request, slug):
    """The agora as an iCalendar file, to add it to a calendar (docs/agoras.md)."""
    agora = get_object_or_404(Agora, slug=slug, is_online_space=False)
    response = HttpResponse(calendar.agora_calendar(agora), content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{calendar.filename(agora)}"'
    return response


# ------------------------------------------------------------------------- importing agoras from a CSV file

IMPORT_SESSION_KEY = "agora_imports"  # in the Django session: {"<manifesto id>": {"name", "content" (base64)}}


def _kept_file(request, manifesto) -> tuple[str, bytes] | None:
    kept = (request.session.get(IMPORT_SESSION_KEY) or {}).get(str(manifesto.pk))
    if not kept:
        return None
    return kept["name"], base64.b64decode(kept["content"])


def _keep_file(request, manifesto, name: str, content: bytes | None) -> None:
    kept = dict(request.session.get(IMPORT_SESSION_KEY) or {})
    if content is None:
        kept.pop(str(manifesto.pk), None)
    else:
        kept[str(manifesto.pk)] = {"name": name, "content": base64.b64encode(content).decode()}
    request.session[IMPORT_SESSION_KEY] = kept


@login_required
def import_agoras(request, manifesto_slug):
    """Upload a CSV file, see what it would create and every error by line, then confirm (docs/agoras.md).

    The preview keeps the file in this person's session; the confirmation reads it again from
    there (never from the browser) and the service checks it once more before writing.
    """
    manifesto = get_object_or_404(Manifesto, slug=manifesto_slug)
    if not permissions.can_manage_agoras(request.user, manifesto):
        raise HttpForbidden(_("Seul·es les organisateur·rices du manifeste peuvent importer des agoras."))
    form = AgoraImportForm()
    context = {"manifesto": manifesto, "form": form, "limits": {"rows": bulk.MAX_ROWS, "kb": bulk.MAX_BYTES // 1024}}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        kept = _kept_file(request, manifesto)
        if kept is None or hashlib.sha256(kept[1]).hexdigest() != request.POST.get("digest"):
            messages.error(request, _("Ce fichier n'est plus en attente : envoyez-le à nouveau pour le vérifier."))
            return redirect("agora:import", manifesto_slug=manifesto.slug)
        try:
            created = services.import_agoras(actor=request.user, manifesto=manifesto, content=kept[1])
        except services.ImportRefused:
            return render(request, "agora/import.html", {**context, **_preview(manifesto, *kept)})
        except ServiceError as exc:
            refuse_if_forbidden(exc)
            messages.error(request, exc.message)
            return redirect("agora:import", manifesto_slug=manifesto.slug)
        _keep_file(request, manifesto, "", None)
        messages.success(request, ngettext(
            "%(count)d agora créée ; chaque animateur·rice nommé·e reçoit une invitation par e-mail.",
            "%(count)d agoras créées ; chaque animateur·rice nommé·e reçoit une invitation par e-mail.",
            len(created)) % {"count": len(created)})
        return redirect(reverse("agora:agenda"))
    if request.method == "POST":
        form = AgoraImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            name, content = request.FILES["file"].name[:200], form.cleaned_data["file"]
            preview = _preview(manifesto, name, content)
            _keep_file(request, manifesto, name, content if preview["reading"].ok else None)
            context.update(preview)
    return render(request, "agora/import.html", context)


def _preview(manifesto, name: str, content: bytes) -> dict:
    reading = bulk.read_agoras(manifesto=manifesto, content=content)
    return {
        "file_name": name,
        "reading": reading,
        "digest": hashlib.sha256(content).hexdigest(),
        "invitations": sorted(reading.facilitator_agoras().items()),
    }


@login_required
def create(request):
    manifestos = Manifesto.objects.all() if request.user.is_superuser else request.user.organised_manifestos.all()
    if not manifestos.exists():
        raise HttpForbidden
    form = AgoraForm(request.POST or None, manifestos=manifestos)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agora = services.create_agora(actor=request.user, slug=form.slug(), **data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'agora est créée."))
            return redirect(agora.get_absolute_url())
    return render(request, "agora/create.html", {"form": form})


def detail(request, slug):
    agora = get_object_or_404(Agora.objects.select_related("manifesto"), slug=slug)
    is_facilitator = permissions.is_facilitator(request.user, agora)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register(agora=agora, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Votre inscription est enregistrée. À bientôt à l'agora !"))
            return redirect(agora.get_absolute_url())
    registered = selectors.registered_count(agora)
    return render(request, "agora/detail.html", {
        "agora": agora,
        "form": form,
        "registered": registered,
        "full": agora.capacity is not None and registered >= agora.capacity,
        "places_left": max(agora.capacity - registered, 0) if agora.capacity is not None else None,
        "is_facilitator": is_facilitator,
        "sessions": agora.sessions.order_by("-opened_at") if is_facilitator else [],
        "open_session": selectors.open_session_of(agora) if is_facilitator else None,
        "registrations": agora.registrations.all() if is_facilitator else [],
        "sections": agora.manifesto.sections.prefetch_related("clauses") if is_facilitator else [],
        "documents": registry.links_for_agora(request, agora),
    })


@login_required
def registrations_csv(request, slug):
    agora = get_object_or_404(Agora, slug=slug)
    if not permissions.is_facilitator(request.user, agora):
        raise HttpForbidden
    header = [_("Nom"), _("Adresse e-mail"), _("Organisation"), _("Famille de l'ESS"),
              _("Besoins d'accessibilité"), _("Inscrit·e le")]

    def rows():
        for r in agora.registrations.all():
            row = [r.name, r.email, r.organisation, r.get_ess_family_display(), r.accessibility_needs,
                   timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")]
            # A cell starting with = + - @ would run as a formula in a spreadsheet.
            yield ["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row]

    # `?tableur=fr`: for spreadsheets set to French (manifesto.spreadsheet).
    return spreadsheet.response(request, header, rows(), f"inscriptions-{agora.slug}.csv", streaming=False)


# ------------------------------------------------------------------------- sessions (facilitator)


@login_required
@require_POST
def open_session(request, slug):
    agora = get_object_or_404(Agora, slug=slug)
    clause_ids = parse_ids(request.POST.getlist("clauses"))
    try:
        session = services.open_session(actor=request.user, agora=agora, clause_ids=clause_ids)
    except services.SessionAlreadyOpen as exc:
        messages.info(request, _("Une séance est déjà ouverte pour cette agora : la voici, reprenez-la."))
        return redirect("agora:console", pk=exc.session.pk)
    except ServiceError as exc:
        refuse_if_forbidden(exc)
        messages.error(request, exc.message)
        return redirect(agora.get_absolute_url())
    return redirect("agora:console", pk=session.pk)


@login_required
def console(request, pk):
    session = _facilitated_session(request, pk)
    clauses = session.scope.order_by("section__position", "position") if session.scope.exists() else \
        session.agora.manifesto.clauses.order_by("section__position", "position")
    participants = session.participants.filter(removed_at__isnull=True).order_by("display_name")
    removed = session.participants.filter(removed_at__isnull=False, readmitted_at__isnull=True).order_by("display_name")
    return render(request, "agora/console.html", _live_context(
        request, session, clauses=clauses, participants=participants, removed=removed, role="facilitator",
        undo_seconds=settings.ACCEPT_UNDO_SECONDS,
        show_checklist=not selectors.console_checklist_dismissed(request.user)))


@login_required
@require_POST
def checklist_dismiss(request, pk):
    """The facilitator has read the first-session checklist: it does not come back (for them, on any session)."""
    session = _facilitated_session(request, pk)
    services.dismiss_console_checklist(actor=request.user)
    messages.success(request, _("C'est noté : cette liste ne s'affichera plus."))
    return redirect("agora:console", pk=session.pk)


@login_required
def projector(request, pk):
    session = _facilitated_session(request, pk)
    return render(request, "agora/projector.html", _live_context(
        request, session, role="projector", focus_lines=selectors.focus_lines(session)))


@login_required
def projector_article(request, pk):
    """The focused article's numbered lines, which the projector fetches when the focus or the
    article's text changes (the numbering depends on the whole text, so the server computes it)."""
    session = _facilitated_session(request, pk)
    return JsonResponse(selectors.focus_lines(session))


@login_required
def qr_code(request, pk):
    session = _facilitated_session(request, pk)
    qr = segno.make(join_url(request, session), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=2, title=_("Code QR pour rejoindre la séance"))
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _control(request, pk, change):
    session = _facilitated_session(request, pk)
    try:
        change(session)
    except ServiceError as exc:
        refuse_if_forbidden(exc)
        messages.error(request, exc.message)
    return redirect("agora:console", pk=session.pk)


def _int_or_none(value):
    return parse_int(value)


@login_required
@require_POST
def control_phase(request, pk):
    return _control(request, pk, lambda s: services.set_phase(actor=request.user, session=s,
                                                              phase=request.POST.get("phase", "")))


@login_required
@require_POST
def control_focus(request, pk):
    return _control(request, pk, lambda s: services.set_focus(
        actor=request.user, session=s, clause_id=_int_or_none(request.POST.get("clause_id"))))


@login_required
@require_POST
def control_timer(request, pk):
    minutes = _int_or_none(request.POST.get("minutes"))
    return _control(request, pk, lambda s: services.set_timer(
        actor=request.user, session=s, seconds=minutes * 60 if minutes else None))


@login_required
@require_POST
def control_queue(request, pk):
    # One form, one button per action: op is "give:<id>", "give:" (take the floor back),
    # "lower:<id>", "remove:<id>", "readmit:<id>" or "clear".
    action, _sep, target = request.POST.get("op", "").partition(":")
    participant_id = _int_or_none(target)

    def change(s):
        if action == "give":
            services.give_floor(actor=request.user, session=s, participant_id=participant_id)
        elif action == "lower" and participant_id:
            services.lower_hand(actor=request.user, session=s, participant_id=participant_id)
        elif action == "clear":
            services.clear_queue(actor=request.user, session=s)
        elif action == "remove" and participant_id:
            services.remove_participant(actor=request.user, session=s, participant_id=participant_id)
        elif action == "readmit" and participant_id:
            services.readmit_participant(actor=request.user, session=s, participant_id=participant_id)

    return _control(request, pk, change)


@login_required
def control_close(request, pk):
    """Closing ends the session for everyone: a page says so and asks to confirm (works without JS)."""
    session = _facilitated_session(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _control(request, pk, lambda s: services.close_session(actor=request.user, session=s))
    return render(request, "agora/close_confirm.html", {
        "session": session, "agora": session.agora, "presence_count": selectors.presence_count(session.pk),
    })


# ------------------------------------------------------------------------- online proposals between agoras


def online(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    session = selectors.online_session(manifesto)
    participant = selectors.current_participant(request, session) if session is not None else None
    form = OnlineJoinForm(request.POST or None)
    if request.method == "POST":
        if session is None:
            messages.error(request, _("Les propositions en ligne sont fermées pour le moment."))
            return redirect("agora:online", slug=manifesto.slug)
        if participant is not None:
            return redirect("agora:room", pk=session.pk)
        if form.is_valid():
            device = _device_key(request)
            try:
                participant = services.join(
                    session=session, display_name=form.cleaned_data["display_name"],
                    organisation=form.cleaned_data["organisation"], ess_family=form.cleaned_data["ess_family"],
                    device_key=device)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                services.remember_participant(request.session, participant)
                return _with_device_cookie(redirect("agora:room", pk=session.pk), device)
    return render(request, "agora/online.html", {
        "manifesto": manifesto,
        "session": session,
        "participant": participant,
        "form": form,
        "can_manage": is_organiser(request.user, manifesto),
    })


def _online_control(request, slug, change, done: str):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    if not is_organiser(request.user, manifesto):
        raise HttpForbidden
    try:
        change(manifesto)
    except ServiceError as exc:
        refuse_if_forbidden(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    # Back to the page the organiser clicked on (the agenda or the online page), never off-site.
    target = request.POST.get("next", "")
    # A path of this site only: redirect() reads any other word as a URL name to reverse (a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("agora:online", slug=manifesto.slug)


@login_required
@require_POST
def online_open(request, slug):
    return _online_control(request, slug, lambda m: services.open_online_proposals(actor=request.user, manifesto=m),
                           _("Les propositions en ligne sont ouvertes."))


@login_required
@require_POST
def online_close(request, slug):
    return _online_control(request, slug, lambda m: services.close_online_proposals(actor=request.user, manifesto=m),
                           _("Les propositions en ligne sont fermées."))


# ------------------------------------------------------------------------- participants

DEVICE_COOKIE = "coecrire_device"
DEVICE_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _device_key(request) -> str:
    """This device's long-lived key (a random cookie, nothing else about the device), or a new one."""
    key = request.COOKIES.get(DEVICE_COOKIE, "")
    return key if DEVICE_KEY.fullmatch(key) else secrets.token_urlsafe(24)


def _with_device_cookie(response, device: str):
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response



def join(request, code=""):
    initial = {"code": selectors.normalise_code(code or request.GET.get("code", ""))}
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = selectors.session_by_code(form.cleaned_data["code"])
        if session is None:
            form.add_error("code", _("Aucune séance ouverte ne porte ce code. Vérifiez-le auprès de l'animation."))
        else:
            existing = selectors.current_participant(request, session)
            if existing is not None:
                return redirect("agora:room", pk=session.pk)
            device = _device_key(request)
            try:
                participant = services.join(
                    session=session, display_name=form.cleaned_data["display_name"],
                    organisation=form.cleaned_data["organisation"], ess_family=form.cleaned_data["ess_family"],
                    device_key=device)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                services.remember_participant(request.session, participant)
                return _with_device_cookie(redirect("agora:room", pk=session.pk), device)
    return render(request, "agora/join.html", {"form": form})


def room(request, pk):
    session = _session_or_404(pk)
    participant = selectors.current_participant(request, session)
    if participant is None:
        if permissions.is_facilitator(request.user, session.agora):
            return redirect("agora:console", pk=session.pk)
        if session.agora.is_online_space:
            return redirect("agora:online", slug=session.agora.manifesto.slug)
        return redirect("agora:join_code", code=session.code)
    hand_raised = session.raised_hands.filter(participant=participant).exists()
    return render(request, "agora/room.html", _live_context(
        request, session, participant=participant, hand_raised=hand_raised, role="participant"))


@require_POST
def hand(request, pk):
    session = _session_or_404(pk)
    participant = selectors.current_participant(request, session)
    if participant is None:
        return redirect("agora:join_code", code=session.code)
    try:
        if request.POST.get("action") == "lower":
            services.lower_own_hand(participant=participant)
        else:
            services.raise_hand(participant=participant)
    except ServiceError as exc:
        refuse_if_forbidden(exc)
        messages.error(request, exc.message)
    return redirect("agora:room", pk=session.pk)
