"""Pages of open contributions: browse, post, support, comment, moderate, answer, draft. Thin:
parse a form, call one service, redirect with a message. Everything works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.models import Participant
from agora.selectors import SESSION_KEY as LIVE_PARTICIPANTS_KEY
from deliberation.contributions import forms, permissions, selectors, services
from deliberation.contributions.models import Contribution, ContributionState, Contributor
from deliberation.contributions.permissions import ContributionActor
from manifesto import stages
from manifesto.bounded import MAX_INT, parse_int, query_text
from manifesto.errors import ClauseConflict, InvalidToken, ServiceError
from manifesto.models import EssFamily, Manifesto
from manifesto.signatures.views import client_ip

CONTRIBUTORS_KEY = "contributors"  # in the Django session: {"<manifesto id>": <contributor id>}


# ------------------------------------------------------------------------- who is acting


def remember_contributor(request, contributor: Contributor) -> None:
    known = dict(request.session.get(CONTRIBUTORS_KEY) or {})
    known[str(contributor.manifesto_id)] = contributor.pk
    request.session[CONTRIBUTORS_KEY] = known


def actor_for(request, manifesto: Manifesto) -> ContributionActor:
    """The person behind this browser for this manifesto: a confirmed contributor, a participant
    of one of its live sessions (the latest joined), and/or a signed-in user."""
    user = request.user if request.user.is_authenticated else None
    contributor_id = (request.session.get(CONTRIBUTORS_KEY) or {}).get(str(manifesto.pk))
    contributor = None
    if contributor_id:
        contributor = Contributor.objects.filter(pk=contributor_id, manifesto=manifesto, confirmed_at__isnull=False).first()
    keys = list((request.session.get(LIVE_PARTICIPANTS_KEY) or {}).values())
    participant = None
    if keys and contributor is None:
        participant = (
            Participant.objects.filter(browser_key__in=keys, session__agora__manifesto=manifesto, removed_at__isnull=True)
            .order_by("-joined_at")
            .first()
        )
    return ContributionActor(user=user, participant=participant, contributor=contributor)


def _manifesto(slug) -> Manifesto:
    return get_object_or_404(Manifesto, slug=slug)


def _contribution(request, manifesto, number) -> tuple[Contribution, ContributionActor]:
    contribution = get_object_or_404(
        Contribution.objects.select_related("manifesto", "section", "agora", "duplicate_of", "clause"), manifesto=manifesto, number=number
    )
    actor = actor_for(request, manifesto)
    if not permissions.can_view(actor, contribution):
        raise Http404
    return contribution, actor


def _list_url(manifesto) -> str:
    return reverse("contributions:list", kwargs={"slug": manifesto.slug})


def _family_rows(by_family: dict) -> list:
    return [
        (EssFamily(key).label if key in EssFamily.values else _("Non précisée"), counts)
        for key, counts in sorted(by_family.items())
    ]


# ------------------------------------------------------------------------- browsing


def contribution_list(request, slug):
    manifesto = _manifesto(slug)
    actor = actor_for(request, manifesto)
    is_moderator = actor.signed_in and permissions.is_editor(actor.user, manifesto)
    sort = request.GET.get("tri", "support")
    filters = selectors.Filters(
        theme=query_text(request.GET.get("theme"), max_length=20),
        agora=query_text(request.GET.get("agora")),
        family=query_text(request.GET.get("famille"), max_length=40),
        territory=query_text(request.GET.get("territoire"), max_length=40),
        query=query_text(request.GET.get("q")),
        sort=sort if sort in selectors.SORTS else "support",
        include_hidden=is_moderator,
    )
    can_post = stages.is_allowed(manifesto, "contribution.post")
    context = {
        "manifesto": manifesto,
        "rows": selectors.browse(manifesto, filters),
        "filters": filters,
        "choices": selectors.filter_choices(manifesto),
        "families": EssFamily.choices,
        "actor": actor,
        "actor_name": _actor_name(actor),
        "can_post": can_post,
        "refusal": "" if can_post else _post_refusal(manifesto),
        "form": forms.ContributionForm(manifesto=manifesto) if can_post else None,
        "identity_form": forms.IdentityForm() if can_post and not actor.can_contribute else None,
        "is_editor": is_moderator,
        "stats": selectors.counts(manifesto),
    }
    return render(request, "contributions/list.html", context)


def _actor_name(actor: ContributionActor) -> str:
    if actor.contributor is not None:
        return actor.contributor.display_name
    return actor.participant.display_name if actor.participant is not None else ""


def _post_refusal(manifesto) -> str:
    staged = stages.stages_of(manifesto)
    return stages.refusal(manifesto, "contribution.post", stages=staged) if staged else ""


def contribution_detail(request, slug, number):
    manifesto = _manifesto(slug)
    hidden = Contribution.objects.filter(manifesto=manifesto, number=number, state=ContributionState.HIDDEN).first()
    if hidden is not None and not permissions.can_view(actor_for(request, manifesto), hidden):
        # What stays public of a hidden contribution: its number and the moderation's reason
        # (docs/process.md); its title, text and author only for them and the moderators.
        return render(request, "contributions/hidden.html", {"manifesto": manifesto, "contribution": hidden})
    contribution, actor = _contribution(request, manifesto, number)
    totals, by_family = selectors.support_totals(contribution)
    is_moderator = actor.signed_in and permissions.can_moderate(actor.user, contribution)
    own = None
    if actor.voter:
        own = contribution.supports.filter(voter=actor.voter).values_list("value", flat=True).first()
    context = {
        "manifesto": manifesto,
        "contribution": contribution,
        "totals": totals,
        "families": _family_rows(by_family),
        "agreement": selectors.cross_family_agreement(by_family),
        "answer": selectors.answer(contribution),
        "links": list(contribution.links.select_related("clause")),
        "comments": list(contribution.comments.filter(hidden_reason="")),
        "duplicates": list(contribution.duplicates.filter(state=ContributionState.DUPLICATE)),
        "actor": actor,
        "own_support": own,
        "can_support": stages.is_allowed(manifesto, "contribution.support") and contribution.state == ContributionState.PUBLISHED,
        "can_comment": stages.is_allowed(manifesto, "contribution.comment") and contribution.state == ContributionState.PUBLISHED,
        "can_answer": actor.signed_in and permissions.can_answer(actor.user, contribution) and stages.is_allowed(manifesto, "contribution.answer"),
        "is_moderator": is_moderator,
        "identity_form": forms.IdentityForm() if not actor.can_contribute else None,
        "comment_form": forms.CommentForm(),
        "reason_form": forms.ReasonForm(),
        "duplicate_form": forms.DuplicateForm(),
        "link_form": forms.LinkForm(),
        "support_values": [("pour", _("Pour")), ("contre", _("Contre")), ("abstention", _("Abstention"))],
    }
    return render(request, "contributions/detail.html", context)


# ------------------------------------------------------------------------- posting and identity


def post(request, slug):
    """Post a contribution: at once for an identified person; otherwise with an address to confirm."""
    manifesto = _manifesto(slug)
    actor = actor_for(request, manifesto)
    form = forms.ContributionForm(request.POST or None, manifesto=manifesto)
    identity_form = forms.IdentityForm(request.POST or None) if not actor.can_contribute else None
    if request.method == "POST" and form.is_valid() and (identity_form is None or identity_form.is_valid()):
        try:
            if identity_form is None:
                contribution = services.post_contribution(actor=actor, manifesto=manifesto, **form.service_arguments())
            else:
                services.request_link(
                    manifesto=manifesto, ip=client_ip(request), contribution=form.service_arguments(), **identity_form.identity()
                )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if identity_form is None:
                messages.success(request, _("Votre contribution n° %(number)s est publiée.") % {"number": contribution.number})
                return redirect(contribution)
            return render(request, "contributions/sent.html", {"manifesto": manifesto, "posted": True})
    context = {"manifesto": manifesto, "form": form, "identity_form": identity_form, "actor": actor}
    return render(request, "contributions/post.html", context, status=400 if request.method == "POST" else 200)


def identify(request, slug):
    """Give one's address to support and comment without posting: a confirmation link is emailed."""
    manifesto = _manifesto(slug)
    form = forms.IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_link(manifesto=manifesto, ip=client_ip(request), **form.identity())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "contributions/sent.html", {"manifesto": manifesto, "posted": False})
    return render(request, "contributions/identify.html", {"manifesto": manifesto, "form": form}, status=400 if form.errors else 200)


def confirm(request, token):
    try:
        contributor = services.confirm(token=token)
    except InvalidToken as error:
        return render(request, "contributions/invalid_link.html", {"message": error.message}, status=404)
    remember_contributor(request, contributor)
    published = contributor.contributions.filter(state=ContributionState.PUBLISHED).count()
    messages.success(
        request,
        _("Votre adresse est confirmée : vous pouvez soutenir et commenter les contributions depuis ce navigateur.")
        + (" " + _("Vos contributions sont publiées.") if published else ""),
    )
    return redirect(_list_url(contributor.manifesto))


# ------------------------------------------------------------------------- supports and comments


def _back(contribution):
    return redirect(contribution.get_absolute_url())


@require_POST
def support(request, slug, number):
    manifesto = _manifesto(slug)
    contribution, actor = _contribution(request, manifesto, number)
    form = forms.SupportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez pour, contre ou abstention."))
        return _back(contribution)
    try:
        services.set_support(actor=actor, contribution=contribution, value=form.cleaned_data["value"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre voix est enregistrée."))
    return _back(contribution)


@require_POST
def comment(request, slug, number):
    manifesto = _manifesto(slug)
    contribution, actor = _contribution(request, manifesto, number)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=actor, contribution=contribution, text=form.cleaned_data["text"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Votre commentaire est publié."))
    else:
        messages.error(request, _("Écrivez votre commentaire."))
    return _back(contribution)


# ------------------------------------------------------------------------- moderation and answers


def _signed_in(view):
    def wrapper(request, slug, number):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, slug, number)

    wrapper.__name__ = view.__name__
    return require_POST(wrapper)


def _act(request, contribution, call, done: str):
    try:
        call()
    except ServiceError as error:
        if error.code == "forbidden":
            return render(request, "manifesto/forbidden.html", {"manifesto": contribution.manifesto, "message": error.message}, status=403)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(contribution)


@_signed_in
def hide(request, slug, number):
    contribution, _actor = _contribution(request, _manifesto(slug), number)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, contribution, lambda: services.hide_contribution(actor=request.user, contribution=contribution, reason=reason), _("La contribution est masquée."))


@_signed_in
def duplicate(request, slug, number):
    manifesto = _manifesto(slug)
    contribution, _actor = _contribution(request, manifesto, number)
    form = forms.DuplicateForm(request.POST)
    other = Contribution.objects.filter(manifesto=manifesto, number=form.cleaned_data["number"]).first() if form.is_valid() else None
    if other is None:
        messages.error(request, _("Indiquez le numéro d'une contribution de ce manifeste."))
        return _back(contribution)
    return _act(
        request, contribution, lambda: services.mark_duplicate(actor=request.user, contribution=contribution, duplicate_of=other),
        _("La contribution est marquée comme doublon."),
    )


@_signed_in
def restore(request, slug, number):
    contribution, _actor = _contribution(request, _manifesto(slug), number)
    return _act(request, contribution, lambda: services.restore_contribution(actor=request.user, contribution=contribution), _("La contribution est rétablie."))


@_signed_in
def set_aside(request, slug, number):
    contribution, _actor = _contribution(request, _manifesto(slug), number)
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, contribution, lambda: services.set_aside(actor=request.user, contribution=contribution, reason=reason), _("La réponse est publiée."))


@_signed_in
def link(request, slug, number):
    manifesto = _manifesto(slug)
    contribution, _actor = _contribution(request, manifesto, number)
    form = forms.LinkForm(request.POST)
    clause = manifesto.clauses.filter(number=form.cleaned_data["clause"]).first() if form.is_valid() else None
    if clause is None:
        messages.error(request, _("Cet article n'existe pas dans ce manifeste."))
        return _back(contribution)
    return _act(
        request, contribution,
        lambda: services.link_to_article(actor=request.user, manifesto=manifesto, clause=clause, contributions=[contribution]),
        _("La contribution est reprise dans l'article %(number)s.") % {"number": clause.number},
    )


def draft(request, slug):
    """The collective writes or rewrites an article from contributions (rédaction stage)."""
    manifesto = _manifesto(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.is_editor(request.user, manifesto):
        return render(request, "manifesto/forbidden.html", {"manifesto": manifesto, "message": _("Seul le collectif de rédaction rédige à partir des contributions.")}, status=403)
    public = list(
        Contribution.objects.filter(manifesto=manifesto, state=ContributionState.PUBLISHED).select_related("section").order_by("number")
    )
    rewrite = manifesto.clauses.filter(number=parse_int(request.GET.get("article"), maximum=MAX_INT, default=0)).first()
    initial = {"contributions": request.GET.getlist("contribution")}
    if rewrite is not None:
        initial.update(clause=rewrite.number, text=rewrite.text, expected_revision=rewrite.revision)
    form = forms.DraftForm(request.POST or None, manifesto=manifesto, contributions=public, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in public if str(c.pk) in data["contributions"]]
        clause = manifesto.clauses.filter(number=data["clause"]).first() if data["clause"] else None
        section = manifesto.sections.filter(pk=data["section"]).first() if data["section"] else None
        if clause is not None and data["expected_revision"] is None:
            # Rewriting starts from the article as it stands: show it, with the choices kept.
            messages.info(request, _("Voici le texte actuel de l'article %(number)s : réécrivez-le.") % {"number": clause.number})
            query = "&".join([f"article={clause.number}"] + [f"contribution={c.pk}" for c in chosen])
            return redirect(reverse("contributions:draft", kwargs={"slug": manifesto.slug}) + "?" + query)
        try:
            written = services.draft_article(
                actor=request.user, manifesto=manifesto, contributions=chosen, text=data["text"],
                clause=clause, section=section, expected_revision=data["expected_revision"],
            )
        except ClauseConflict as error:
            conflict = error.clause
            form.add_error(None, error.message)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("L'article %(number)s est écrit ; les contributions reprises ont leur réponse.") % {"number": written.number})
            return redirect(written.get_absolute_url())
    context = {
        "manifesto": manifesto,
        "form": form,
        "rewrite": rewrite,
        "conflict": conflict,
        "allowed": stages.is_allowed(manifesto, "article.draft"),
        "refusal": "" if stages.is_allowed(manifesto, "article.draft") else stages.refusal(manifesto, "article.draft", stages=stages.stages_of(manifesto)),
        "contributions": public,
    }
    return render(request, "contributions/draft.html", context, status=400 if form.errors else 200)
