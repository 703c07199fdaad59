"""Pages of the text. Thin: read through selectors, or parse a form, call one service, redirect."""

import hashlib
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manifesto import extensions, forms, page_cache, permissions, provenance, selectors, services, stages
from manifesto.bounded import MAX_INT, parse_int
from manifesto.errors import ClauseConflict, PermissionDenied, ServiceError
from manifesto.models import Clause, Manifesto, ManifestoStatus, Section
from manifesto.sharing import selectors as sharing_selectors


def _forbidden(request, manifesto: Manifesto, message: str = ""):
    return render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": message}, status=403)


def _edit_denied_message(manifesto: Manifesto) -> str:
    if manifesto.status != ManifestoStatus.DRAFTING:
        return _("Le texte n'est plus en rédaction : il ne peut plus être modifié ici.")
    staged = stages.stages_of(manifesto)
    if not stages.is_allowed(manifesto, "text.edit", stages=staged):
        return stages.refusal(manifesto, "text.edit", stages=staged)
    return _("Seuls les organisateur·rices de ce manifeste peuvent modifier le texte.")


def organiser_only(check):
    """Load the manifesto from the slug and let through only the people `check` allows.

    Anonymous visitors are sent to the login page; anyone else who may not is refused (403).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            manifesto = get_object_or_404(Manifesto, slug=slug)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user, manifesto):
                return _forbidden(request, manifesto, _edit_denied_message(manifesto))
            try:
                return view(request, manifesto, *args, **kwargs)
            except PermissionDenied as error:
                # The service re-checks inside its transaction; its word is final.
                return _forbidden(request, manifesto, error.message)

        return wrapper

    return decorator


def _form_page(request, manifesto, form, *, title, submit, cancel_url, intro="", status=200, extra=None):
    context = {
        "manifesto": manifesto,
        "form": form,
        "page_title": title,
        "submit": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "manifesto/form.html", context, status=status)


def _attempt(form, call):
    """Run a service; a refusal becomes a form error so nothing the person typed is lost."""
    try:
        return call()
    except (ClauseConflict, PermissionDenied):
        raise
    except ServiceError as error:
        form.add_error(None, error.message)
        return None


def _form_action(request, manifesto, form, *, call, done, redirect_to, title, submit, cancel_url, **page):
    """GET shows the form; a valid POST calls one service, says `done(result)` and redirects.

    An invalid form or a refused action shows the form again with what the person typed.
    """
    if request.method == "POST" and form.is_valid():
        result = _attempt(form, call)
        if not form.errors:
            messages.success(request, done(result))
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return _form_page(
        request,
        manifesto,
        form,
        title=title,
        submit=submit,
        cancel_url=cancel_url,
        status=400 if form.errors else 200,
        **page,
    )


def _edit_url(manifesto: Manifesto) -> str:
    return reverse("manifesto:edit", kwargs={"slug": manifesto.slug})


# ------------------------------------------------------------------------- reading


def _own_dashboards(request, manifesto) -> list[tuple[str, str]]:
    """The organiser's pages of a text that manifesto itself serves; other apps add theirs."""
    links = []
    if permissions.is_organiser(request.user, manifesto):
        if permissions.can_edit_text(request.user, manifesto):
            links.append((_("Modifier le texte"), reverse("manifesto:edit", kwargs={"slug": manifesto.slug})))
        links.append((_("Étapes"), reverse("manifesto:stages", kwargs={"slug": manifesto.slug})))
        links.append((_("Campagne de signature"), reverse("signatures:dashboard", kwargs={"slug": manifesto.slug})))
    return links


def home(request):
    """One page for every role: the texts, and above them what this person came to do —
    join a session, run their agoras, or reach the dashboards of the texts they organise."""
    manifestos = list(Manifesto.objects.order_by("-created_at").prefetch_related("versions"))
    dashboards = []
    if request.user.is_authenticated:
        for manifesto in manifestos:
            links = _own_dashboards(request, manifesto) + extensions.manifesto_dashboard_links(request, manifesto)
            if links:
                dashboards.append((manifesto, links))
    return render(request, "manifesto/home.html", {
        "manifestos": manifestos,
        "panels": extensions.render_home_panels(request),
        "dashboards": dashboards,
        "can_create_text": permissions.can_create_text(request.user),
    })


def _lines_on(request) -> bool:
    """Line numbers asked for in the address (?lignes=1): works without JavaScript, and can be shared."""
    return request.GET.get("lignes") == "1"


def _reading_variant(request) -> bool:
    return _lines_on(request)


@page_cache.cached_for_visitors("read", _reading_variant)
def read(request, slug):
    manifesto = get_object_or_404(Manifesto.objects.select_related("signature_campaign__version"), slug=slug)
    stages.remember_stages(manifesto)  # the timeline and the navigation both ask
    campaign = getattr(manifesto, "signature_campaign", None)
    # Lazy: read only when the text's cached fragment is missing (once per journal seq).
    sections = SimpleLazyObject(lambda: selectors.reading_sections(manifesto=manifesto))
    latest_version = manifesto.versions.order_by("-number").first()
    context = {
        "manifesto": manifesto,
        "sections": sections,
        "numbering": SimpleLazyObject(lambda: selectors.current_numbering(manifesto, list(sections))),
        "lines_on": _lines_on(request),
        "can_edit": permissions.can_edit_text(request.user, manifesto),
        "latest_version": latest_version,
        # Once a version is final (proclaimed, open to signature), the page shows exactly that text.
        "final_version": campaign.version if campaign is not None else None,
        "final_numbering": selectors.version_numbering(campaign.version) if campaign is not None else None,
        "panels": extensions.render_manifesto_panels(request, manifesto),
        "timeline": stages.timeline(manifesto),
        # Link previews and feeds (manifesto/sharing).
        "share_meta": sharing_selectors.page_meta(
            manifesto=manifesto,
            title=manifesto.title,
            description=sharing_selectors.text_description(manifesto),
            path=reverse("manifesto:read", kwargs={"slug": manifesto.slug}),
            type="article",
            # Already read for the page: the image's version and whether signatures are counted.
            known=(campaign.version if campaign is not None else latest_version, campaign is not None),
        ),
        "feeds": text_feeds(manifesto),
    }
    return render(request, "manifesto/read.html", context)


def text_feeds(manifesto) -> list[tuple[str, str]]:
    """The text's Atom feeds: its changes, then those other apps add (its answers)."""
    own = (_("Modifications du texte"), reverse("sharing:changes_feed", kwargs={"slug": manifesto.slug}))
    return [own, *extensions.manifesto_feeds(manifesto)]


def _revision_param(request) -> int | None:
    value = request.GET.get("revision", "")
    return parse_int(value, maximum=MAX_INT)


def _history_variant(request):
    page = request.GET.get("page", "")
    return page if not page or parse_int(page, maximum=MAX_INT) is not None else None


@page_cache.cached_for_visitors("history", _history_variant)
def history(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    result = selectors.history_page(manifesto=manifesto, page=request.GET.get("page"))
    context = {"manifesto": manifesto, "changes": result.entries, "page": result.page}
    return render(request, "manifesto/history.html", context)


def _clause_variant(request, number):
    """(article, page, revision) for ordinary addresses; None (not cached) for anything else."""
    page, revision = request.GET.get("page", ""), request.GET.get("revision", "")
    if (page and parse_int(page, maximum=MAX_INT) is None) or (revision and parse_int(revision, maximum=MAX_INT) is None):
        return None
    return (number, page, revision)


@page_cache.cached_for_visitors("clause", _clause_variant)
def clause_detail(request, slug, number):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    result = selectors.clause_history_page(
        manifesto=manifesto, number=number, page=request.GET.get("page"), revision=_revision_param(request)
    )
    if result is None:
        raise Http404(_("Cet article n'existe pas."))
    clause = manifesto.clauses.select_related("section").filter(number=number).first()
    context = {
        "manifesto": manifesto,
        "number": number,
        "clause": clause,
        # Newest first: the person comes to see what changed lately.
        "entries": result.entries,
        "page": result.page,
        "first_number": result.page.paginator.count - result.page.start_index() + 1,
        "can_edit": clause is not None and permissions.can_edit_text(request.user, manifesto),
        "panels": extensions.render_clause_panels(request, clause) if clause is not None else [],
    }
    return render(request, "manifesto/clause.html", context)


def _cached_fragment(template: str, context, request, *, key) -> str:
    """Render `template` once per distinct `key` (and language and time zone), then from the cache.

    For pages whose body is large and depends only on what `key` describes: a busy article's
    provenance, a comparison of two texts. `context` is a dict, or a function that builds it
    (called only on a cache miss).
    """
    digest = hashlib.blake2b(repr((template, key, get_language(), get_current_timezone_name())).encode("utf-8"), digest_size=16)
    cache_key = "fragment:v1:" + digest.hexdigest()
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(template, context() if callable(context) else context, request=request)
        cache.set(cache_key, html, _FRAGMENT_SECONDS)
    return mark_safe(html)


_FRAGMENT_SECONDS = 24 * 3600


def _provenance_context(manifesto: Manifesto, clause: Clause, result: provenance.Provenance) -> dict:
    # Each origin gets a number shown after its passages, so origins never rest on colour alone.
    marks = {origin.revision: index for index, origin in enumerate(result.origins, start=1)}
    quotes: dict[int, list[str]] = {}
    for passage in result.passages:
        if passage.text.strip():
            quotes.setdefault(passage.revision, []).append(passage.text.strip())
    # Built here rather than tag by tag in the template: a busy article has hundreds of passages.
    label = _("origine")
    text = format_html_join(
        "",
        '<span class="origin tone-{}">{}</span><sup class="origin-ref"><a href="#origine-{}">'
        '<span class="visually-hidden">{} </span>{}</a></sup>',
        (
            ((marks[p.revision] - 1) % 6, p.text, marks[p.revision], label, marks[p.revision])
            for p in result.passages
        ),
    )
    history_url = reverse("manifesto:clause", kwargs={"slug": manifesto.slug, "number": clause.number})
    return {
        "manifesto": manifesto,
        "clause": clause,
        "text": text,
        "origins": [
            (
                marks[origin.revision],
                (marks[origin.revision] - 1) % 6,
                origin,
                quotes.get(origin.revision, []),
                f"{history_url}?revision={origin.revision}#revision-{origin.revision}",
            )
            for origin in result.origins
        ],
    }


def clause_provenance(request, slug, number):
    """ "D'où vient ce texte ?": the article's words by the revision, and source, that brought them."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    clause = get_object_or_404(Clause, manifesto=manifesto, number=number)
    clause.manifesto = manifesto
    result = provenance.clause_provenance(clause)
    fragment = _cached_fragment(
        "manifesto/_provenance.html",
        lambda: _provenance_context(manifesto, clause, result),
        request,
        # Everything the fragment shows: the revision's words and each origin with its sources,
        # which other apps may change (an answer given later), so they are part of the key.
        key=(clause.pk, clause.revision, [(o.step, o.words, o.sources) for o in result.origins]),
    )
    context = {"manifesto": manifesto, "clause": clause, "provenance": result, "fragment": fragment}
    return render(request, "manifesto/provenance.html", context)


# ------------------------------------------------------------------------- versions


def _compare_choices(manifesto: Manifesto) -> list[tuple[str, str]]:
    choices = [
        (str(v.number), _("Version %(number)s — %(label)s") % {"number": v.number, "label": v.label})
        for v in manifesto.versions.order_by("number")
    ]
    choices.append((selectors.CURRENT, _("Texte actuel (non figé)")))
    return choices


def versions(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    version_list = list(manifesto.versions.select_related("created_by").order_by("-number"))
    choices = _compare_choices(manifesto)
    initial = {"old": choices[-2][0] if len(choices) > 1 else selectors.CURRENT, "new": selectors.CURRENT}
    context = {
        "manifesto": manifesto,
        "versions": version_list,
        "compare_form": forms.CompareForm(initial=initial, choices=choices),
        "freeze_form": forms.FreezeVersionForm() if permissions.can_freeze_version(request.user, manifesto) else None,
    }
    return render(request, "manifesto/versions.html", context)


def version_detail(request, slug, number):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    version = get_object_or_404(manifesto.versions.select_related("created_by"), number=number)
    context = {
        "manifesto": manifesto,
        "version": version,
        "numbering": selectors.version_numbering(version),
        "lines_on": _lines_on(request),
    }
    return render(request, "manifesto/version.html", context)


def version_text(request, slug, number):
    """The canonical text exactly as fingerprinted, so anyone can check the SHA-256."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    version = get_object_or_404(manifesto.versions, number=number)
    response = HttpResponse(version.canonical_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{manifesto.slug}-v{version.number}.txt"'
    return response


def compare(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    choices = _compare_choices(manifesto)
    form = forms.CompareForm(request.GET or None, choices=choices)
    comparison = old = new = None
    if form.is_bound and form.is_valid():
        old = selectors.text_side(manifesto=manifesto, key=form.cleaned_data["old"])
        new = selectors.text_side(manifesto=manifesto, key=form.cleaned_data["new"])
        if old is None or new is None:
            raise Http404(_("Cette version n'existe pas."))
        comparison = selectors.compare_texts(old.content, new.content)
    context = {"manifesto": manifesto, "form": form, "comparison": comparison, "old": old, "new": new}
    if comparison is not None:
        # Two texts compare the same way every time: the long result is rendered once per pair of contents.
        contents = json.dumps([old.content, new.content], sort_keys=True)
        context["fragment"] = _cached_fragment(
            "manifesto/_comparison.html",
            context,
            request,
            key=(manifesto.slug, hashlib.blake2b(contents.encode("utf-8"), digest_size=16).hexdigest()),
        )
    return render(request, "manifesto/compare.html", context, status=400 if form.is_bound and form.errors else 200)


@require_POST
@organiser_only(permissions.can_freeze_version)
def version_freeze(request, manifesto):
    form = forms.FreezeVersionForm(request.POST)
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.freeze_version(actor=request.user, manifesto=manifesto, label=form.cleaned_data["label"]),
        done=lambda version: _("La version %(number)s est figée.") % {"number": version.number},
        redirect_to=lambda version: version.get_absolute_url(),
        title=_("Figer une version"),
        submit=_("Figer cette version"),
        cancel_url=reverse("manifesto:versions", kwargs={"slug": manifesto.slug}),
    )


# ------------------------------------------------------------------------- editing


@organiser_only(permissions.can_edit_text)
def edit(request, manifesto):
    context = {
        "manifesto": manifesto,
        "sections": selectors.reading_sections(manifesto=manifesto),
        "section_form": forms.SectionTitleForm(auto_id="id_new_section_%s"),
        "freeze_form": forms.FreezeVersionForm(),
    }
    return render(request, "manifesto/edit.html", context)


@organiser_only(permissions.can_edit_text)
def section_add(request, manifesto):
    form = forms.SectionTitleForm(request.POST or None)
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.add_section(actor=request.user, manifesto=manifesto, title=form.cleaned_data["title"]),
        done=lambda section: _("La partie « %(title)s » est ajoutée.") % {"title": section.title},
        redirect_to=lambda section: _edit_url(manifesto) + f"#partie-{section.pk}",
        title=_("Ajouter une partie"),
        submit=_("Ajouter la partie"),
        cancel_url=_edit_url(manifesto),
    )


@organiser_only(permissions.can_edit_text)
def section_rename(request, manifesto, section_id):
    section = get_object_or_404(Section, pk=section_id, manifesto=manifesto)
    form = forms.SectionTitleForm(request.POST or None, initial={"title": section.title})
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.rename_section(actor=request.user, section=section, title=form.cleaned_data["title"]),
        done=lambda _section: _("La partie est renommée."),
        redirect_to=_edit_url(manifesto) + f"#partie-{section.pk}",
        title=_("Renommer la partie « %(title)s »") % {"title": section.title},
        submit=_("Renommer"),
        cancel_url=_edit_url(manifesto),
    )


@organiser_only(permissions.can_edit_text)
def section_move(request, manifesto, section_id):
    section = get_object_or_404(Section, pk=section_id, manifesto=manifesto)
    form = forms.SectionMoveForm(request.POST or None, initial={"position": section.position})
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.move_section(actor=request.user, section=section, position=form.cleaned_data["position"]),
        done=lambda _section: _("La partie est déplacée."),
        redirect_to=_edit_url(manifesto) + f"#partie-{section.pk}",
        title=_("Déplacer la partie « %(title)s »") % {"title": section.title},
        submit=_("Déplacer"),
        cancel_url=_edit_url(manifesto),
    )


@organiser_only(permissions.can_edit_text)
def clause_add(request, manifesto, section_id):
    section = get_object_or_404(Section, pk=section_id, manifesto=manifesto)
    form = forms.ClauseAddForm(request.POST or None, section=section)
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.add_clause(
            actor=request.user,
            section=section,
            text=form.cleaned_data["text"],
            after=form.cleaned_data["after"],
            reason=form.cleaned_data["reason"],
        ),
        done=lambda clause: _("L'article %(number)s est ajouté.") % {"number": clause.number},
        redirect_to=lambda clause: _edit_url(manifesto) + f"#{clause.anchor}",
        title=_("Ajouter un article à la partie « %(title)s »") % {"title": section.title},
        submit=_("Ajouter l'article"),
        cancel_url=_edit_url(manifesto),
    )


def _clause(manifesto: Manifesto, number: int) -> Clause:
    return get_object_or_404(Clause.objects.select_related("section"), manifesto=manifesto, number=number)


def _deleted_meanwhile(request, manifesto, number, message: str):
    """The clause was deleted while the person edited it: show their words so they can keep them."""
    form = forms.ClauseEditForm(request.POST)
    form.is_valid()
    form.add_error(None, message)
    return _form_page(
        request,
        manifesto,
        form,
        title=_("Modifier l'article %(number)s") % {"number": number},
        submit="",
        cancel_url=_edit_url(manifesto),
        intro=_("Copiez votre texte si vous souhaitez le proposer comme un nouvel article."),
        status=409,
        extra={"gone": True},
    )


@organiser_only(permissions.can_edit_text)
def clause_edit(request, manifesto, number):
    clause = manifesto.clauses.select_related("section").filter(number=number).first()
    if clause is None:
        if request.method == "POST" and Clause.history.filter(manifesto_id=manifesto.pk, number=number).exists():
            return _deleted_meanwhile(request, manifesto, number, _("Cet article a été supprimé entre-temps."))
        raise Http404(_("Cet article n'existe pas."))
    form = forms.ClauseEditForm(
        request.POST or None, initial={"text": clause.text, "expected_revision": clause.revision}
    )
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            edited = _attempt(
                form,
                lambda: services.edit_clause(
                    actor=request.user,
                    clause=clause,
                    text=form.cleaned_data["text"],
                    expected_revision=form.cleaned_data["expected_revision"],
                    reason=form.cleaned_data["reason"],
                ),
            )
        except ClauseConflict as error:
            conflict = error.clause
            if conflict is None:
                return _deleted_meanwhile(request, manifesto, number, error.message)
            # Keep the person's words; the next submission is made knowingly against the current text.
            data = request.POST.copy()
            data["expected_revision"] = str(conflict.revision)
            form = forms.ClauseEditForm(data)
            form.is_valid()
            form.add_error(None, error.message)
            status = 409
        else:
            if edited:
                messages.success(request, _("L'article %(number)s est enregistré.") % {"number": number})
                return redirect(reverse("manifesto:read", kwargs={"slug": manifesto.slug}) + f"#{clause.anchor}")
    if form.errors and status == 200:
        status = 400
    return _form_page(
        request,
        manifesto,
        form,
        title=_("Modifier l'article %(number)s") % {"number": number},
        submit=_("Enregistrer"),
        cancel_url=reverse("manifesto:read", kwargs={"slug": manifesto.slug}) + f"#{clause.anchor}",
        status=status,
        extra={"clause": clause, "conflict": conflict, "submitted_text": form.data.get("text", "")},
    )


@organiser_only(permissions.can_edit_text)
def clause_move(request, manifesto, number):
    clause = _clause(manifesto, number)
    form = forms.ClauseMoveForm(
        request.POST or None, manifesto=manifesto, initial={"section": clause.section_id, "position": clause.position}
    )
    return _form_action(
        request,
        manifesto,
        form,
        call=lambda: services.move_clause(
            actor=request.user, clause=clause, section=form.cleaned_data["section"], position=form.cleaned_data["position"]
        ),
        done=lambda _clause: _("L'article %(number)s est déplacé.") % {"number": number},
        redirect_to=_edit_url(manifesto) + f"#{clause.anchor}",
        title=_("Déplacer l'article %(number)s") % {"number": number},
        submit=_("Déplacer"),
        cancel_url=_edit_url(manifesto) + f"#{clause.anchor}",
        extra={"clause": clause},
    )


@organiser_only(permissions.can_edit_text)
def clause_delete(request, manifesto, number):
    clause = _clause(manifesto, number)
    form = forms.ClauseDeleteForm(request.POST or None)
    try:
        return _form_action(
            request,
            manifesto,
            form,
            call=lambda: services.delete_clause(actor=request.user, clause=clause, reason=form.cleaned_data["reason"]),
            done=lambda _none: _("L'article %(number)s est supprimé ; son historique reste consultable.") % {"number": number},
            redirect_to=_edit_url(manifesto),
            title=_("Supprimer l'article %(number)s") % {"number": number},
            submit=_("Supprimer l'article"),
            cancel_url=_edit_url(manifesto) + f"#{clause.anchor}",
            intro=_("L'article disparaîtra du texte. Son historique restera consultable."),
            extra={"clause": clause, "danger": True},
        )
    except ClauseConflict as error:
        # Someone deleted it first: the outcome the person wanted, said plainly.
        messages.error(request, error.message)
        return redirect(_edit_url(manifesto))
