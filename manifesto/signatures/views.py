"""Signing pages. Thin: parse, call one service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from manifesto import permissions
from manifesto import services as text_services
from manifesto import spreadsheet
from manifesto.bounded import query_text
from manifesto.errors import CampaignClosed, InvalidToken, RateLimited, ServiceError
from manifesto.models import EssFamily, Manifesto, Signature, SignatureCampaign, SignatureState
from manifesto.models.signatures import SIGNATURE_FAMILY_CHOICES
from manifesto.sharing import links as sharing_links
from manifesto.sharing import selectors as sharing_selectors
from manifesto.signatures import charts, forms, ratelimit, selectors, services
from manifesto.signatures.territories import TERRITORY_CHOICES, territory_label


def client_ip(request) -> str | None:
    # daphne's --proxy-headers puts the client address from X-Forwarded-For here when behind a proxy.
    return request.META.get("REMOTE_ADDR")


def _campaign_or_404(slug: str):
    campaign = selectors.campaign_for(slug=slug)
    if campaign is None:
        raise Http404(_("Ce manifeste n'est pas ouvert à la signature."))
    return campaign


@require_GET
def health(request):
    """The trivial endpoint the benchmark compares the signing endpoint with."""
    return HttpResponse(b"ok", content_type="text/plain")


def _counter_context(campaign) -> dict:
    data = selectors.counter_data(campaign.manifesto_id)
    goal = data["goal"]
    return {
        "count": data["count"],
        "count_version": data["version"],
        "goal": goal,
        "progress": min(100, round(100 * data["count"] / goal)) if goal else None,
    }


def _with_retry_after(response):
    """A refused (429) answer says when to try again."""
    if response.status_code == 429:
        response["Retry-After"] = str(ratelimit.retry_after())
    return response


@require_http_methods(["GET", "POST"])
def sign(request, slug):
    status = 200
    form = None
    is_open = None
    if request.method == "POST":
        # The hot path: one small query for the campaign, the INSERT, a redirect. The page
        # (with the text) is rendered only when the form must be shown again.
        state = selectors.campaign_state(slug=slug)
        if state is None:
            raise Http404(_("Ce manifeste n'est pas ouvert à la signature."))
        form = forms.SignatureForm(request.POST)
        if form.is_valid():
            if form.is_bot:
                return redirect("signatures:sent", slug=slug)
            try:
                services.sign(campaign=state, data=form.signature_input(), ip=client_ip(request))
            except RateLimited as error:
                form.add_error(None, error.message)
                status = 429
            except CampaignClosed as error:
                form.add_error(None, error.message)
                is_open = False
                status = 409
            except ServiceError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                return redirect("signatures:sent", slug=slug)
        else:
            status = 400
    campaign = selectors.campaign_for(slug=slug)
    if campaign is None:
        manifesto = get_object_or_404(Manifesto, slug=slug)
        if permissions.is_organiser(request.user, manifesto):
            return redirect("signatures:dashboard", slug=slug)
        return render(request, "signatures/not_open.html", {"manifesto": manifesto}, status=404)
    context = {
        "campaign": campaign,
        "manifesto": campaign.manifesto,
        "version": campaign.version,
        "is_open": selectors.campaign_is_open(campaign) if is_open is None else is_open,
        "not_yet_open": campaign.closed_at is None and campaign.starts_at > timezone.now(),
        "form": form or forms.SignatureForm(),
        "is_organiser": permissions.is_organiser(request.user, campaign.manifesto),
        "settings_retention": settings.SIGNATURE_RETENTION_MONTHS,
        **_counter_context(campaign),
    }
    context.update(_sharing_context(campaign, count=context["count"]))
    return _with_retry_after(render(request, "signatures/sign.html", context, status=status))


def _sharing_context(campaign, *, count: int) -> dict:
    """The signing page's link preview and its share links (manifesto/sharing)."""
    manifesto = campaign.manifesto
    description = ngettext(
        "%(count)s signature confirmée. Lisez le texte et signez-le vous aussi.",
        "%(count)s signatures confirmées. Lisez le texte et signez-le vous aussi.",
        count,
    ) % {"count": count}
    meta = sharing_selectors.page_meta(
        manifesto=manifesto,
        title=_("Signer « %(title)s »") % {"title": manifesto.title},
        description=description,
        path=reverse("signatures:sign", kwargs={"slug": manifesto.slug}),
        known=(campaign.version, True),
    )
    return {"share_meta": meta, "share": sharing_links.share_links(manifesto)}


@require_GET
def sent(request, slug):
    campaign = _campaign_or_404(slug)
    return render(request, "signatures/sent.html", {"campaign": campaign, "manifesto": campaign.manifesto})


@require_http_methods(["GET", "POST"])
def resend(request, slug):
    campaign = _campaign_or_404(slug)
    form = forms.ResendForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.resend_confirmation(manifesto=campaign.manifesto, email=form.cleaned_data["email"], ip=client_ip(request))
        except RateLimited as error:
            form.add_error(None, error.message)
            status = 429
        else:
            return redirect("signatures:sent", slug=slug)
    elif request.method == "POST":
        status = 400
    context = {"campaign": campaign, "manifesto": campaign.manifesto, "form": form}
    return _with_retry_after(render(request, "signatures/resend.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows what is about to be confirmed; POST confirms (mail scanners that follow links only GET)."""
    signature = Signature.objects.select_related("manifesto", "version").filter(token_hash=services.hash_token(token)).first()
    if signature is None or signature.state not in {SignatureState.PENDING, SignatureState.CONFIRMED}:
        return render(request, "signatures/invalid_link.html", status=404)
    campaign = signature.manifesto.signature_campaign
    done = signature.state == SignatureState.CONFIRMED and signature.version_id == campaign.version_id
    if request.method == "POST" and not done:
        try:
            signature = services.confirm(token=token)
        except InvalidToken:
            return render(request, "signatures/invalid_link.html", status=404)
        except CampaignClosed as error:
            return render(request, "signatures/closed.html", {"manifesto": signature.manifesto, "message": error.message}, status=409)
        done = True
    elif not done and (signature.token_expires_at is None or signature.token_expires_at <= timezone.now()):
        return render(request, "signatures/invalid_link.html", status=404)
    context = {
        "signature": signature,
        "manifesto": signature.manifesto,
        # Reconfirming an earlier signature is signing the current final version.
        "version": campaign.version if signature.state == SignatureState.CONFIRMED and not done else signature.version,
        "done": done,
        "token": token,
        # After confirming: pass it on (manifesto/sharing).
        "share": sharing_links.share_links(signature.manifesto) if done else None,
    }
    return render(request, "signatures/confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, pk, token):
    if not services.check_manage_token(pk, token):
        return render(request, "signatures/invalid_link.html", status=404)
    signature = get_object_or_404(Signature.objects.select_related("manifesto", "version"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw":
            signature = services.withdraw(signature_id=pk, token=token)
            messages.success(request, _("Votre signature est retirée et vos données personnelles sont effacées."))
        elif action == "erase":
            signature = services.erase(signature_id=pk, token=token)
            messages.success(
                request, _("Vos données personnelles sont effacées. Votre signature reste comptée, de façon anonyme.")
            )
        return redirect("signatures:manage", pk=pk, token=token)
    return render(request, "signatures/manage.html", {"signature": signature, "manifesto": signature.manifesto})


@require_GET
def public_list(request, slug):
    campaign = _campaign_or_404(slug)
    family = request.GET.get("famille", "")
    family = family if family in EssFamily.values else ""
    territory = request.GET.get("territoire", "")
    territory = territory if territory in dict(TERRITORY_CHOICES) else ""
    query = query_text(request.GET.get("q"), max_length=100)
    queryset = selectors.public_list(manifesto_id=campaign.manifesto_id, family=family, territory=territory, query=query)
    page = Paginator(queryset, settings.SIGNATURE_PAGE_SIZE).get_page(request.GET.get("page"))
    totals = selectors.totals(manifesto_id=campaign.manifesto_id)
    families = dict(SIGNATURE_FAMILY_CHOICES)
    context = {
        "campaign": campaign,
        "manifesto": campaign.manifesto,
        "page": page,
        "family": family,
        "territory": territory,
        "query": query,
        "families": SIGNATURE_FAMILY_CHOICES,
        "territories": TERRITORY_CHOICES,
        "totals": totals,
        "by_family": [(families.get(code, code), n) for code, n in totals["by_family"]],
        "by_territory": [(territory_label(code), n) for code, n in totals["by_territory"]],
        "states": selectors.state_counts(manifesto_id=campaign.manifesto_id),
        "chart_over_time": charts.over_time(manifesto_id=campaign.manifesto_id),
        "chart_by_territory": charts.by_territory(manifesto_id=campaign.manifesto_id),
        **_counter_context(campaign),
    }
    return render(request, "signatures/list.html", context)


@require_GET
def receipt(request, slug):
    campaign = _campaign_or_404(slug)
    form = forms.ReceiptForm(request.GET or None)
    found = None
    looked_up = False
    if request.GET and form.is_valid():
        looked_up = True
        found = selectors.receipt(manifesto_id=campaign.manifesto_id, code=services.normalise_receipt_code(form.cleaned_data["code"]))
    context = {"campaign": campaign, "manifesto": campaign.manifesto, "form": form, "found": found, "looked_up": looked_up}
    return render(request, "signatures/receipt.html", context, status=404 if looked_up and found is None else 200)


@never_cache
@require_GET
def counter(request, slug):
    manifesto_id = Manifesto.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if manifesto_id is None:
        raise Http404()
    return JsonResponse(selectors.counter_data(manifesto_id))


# ----------------------------------------------------------------------------- organisers


def _organised_manifesto(request, slug) -> Manifesto:
    manifesto = get_object_or_404(Manifesto, slug=slug)
    if not permissions.is_organiser(request.user, manifesto):
        # A refusal is a 403 with a sentence (docs/process.md); the campaign itself is public.
        raise PermissionDenied(_("Seul·es les organisateur·rices du manifeste gèrent sa campagne de signatures."))
    return manifesto


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request, slug):
    manifesto = _organised_manifesto(request, slug)
    campaign = SignatureCampaign.objects.select_related("version").filter(manifesto=manifesto).first()
    campaign_form = forms.CampaignForm(manifesto=manifesto, initial={"version": campaign.version_id if campaign else None, "goal": campaign.goal if campaign else None})
    invalidation_form = forms.InvalidationForm()
    freeze_form = forms.FreezeForm()
    erase_form = forms.EraseForm()
    preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "freeze":
                freeze_form = forms.FreezeForm(request.POST)
                if freeze_form.is_valid():
                    version = text_services.freeze_version(actor=request.user, manifesto=manifesto, label=freeze_form.cleaned_data["label"])
                    messages.success(
                        request, _("Version %(number)d figée : vous pouvez l'ouvrir à la signature.") % {"number": version.number}
                    )
                    return redirect("signatures:dashboard", slug=slug)
                status = 400
            elif action == "open":
                campaign_form = forms.CampaignForm(request.POST, manifesto=manifesto)
                if campaign_form.is_valid():
                    data = campaign_form.cleaned_data
                    services.open_campaign(
                        actor=request.user,
                        manifesto=manifesto,
                        version=data["version"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        goal=data["goal"],
                    )
                    messages.success(request, _("La campagne de signature est ouverte."))
                    return redirect("signatures:dashboard", slug=slug)
                status = 400
            elif action == "close":
                services.close_campaign(actor=request.user, manifesto=manifesto)
                messages.success(request, _("La campagne de signature est close."))
                return redirect("signatures:dashboard", slug=slug)
            elif action == "invalidate":
                invalidation_form = forms.InvalidationForm(request.POST)
                if invalidation_form.is_valid():
                    criteria = invalidation_form.criteria()
                    if invalidation_form.cleaned_data["confirm"]:
                        result = services.bulk_invalidate(actor=request.user, manifesto=manifesto, **criteria)
                        messages.success(
                            request,
                            ngettext("%(matched)d signature invalidée.", "%(matched)d signatures invalidées.", result.matched)
                            % {"matched": result.matched}
                            + " "
                            + ngettext(
                                "Parmi elles, %(counted)d était comptée.",
                                "Parmi elles, %(counted)d étaient comptées.",
                                result.were_counted,
                            )
                            % {"counted": result.were_counted},
                        )
                        return redirect("signatures:dashboard", slug=slug)
                    preview = services.preview_invalidation(actor=request.user, manifesto=manifesto, **criteria)
                else:
                    status = 400
            elif action == "erase":
                erase_form = forms.EraseForm(request.POST)
                if erase_form.is_valid():
                    if services.erase_by_organiser(actor=request.user, manifesto=manifesto, email=erase_form.cleaned_data["email"]):
                        messages.success(request, _("Les données personnelles de cette signature sont effacées."))
                    else:
                        messages.info(request, _("Aucune signature ne correspond à cette adresse."))
                    return redirect("signatures:dashboard", slug=slug)
                status = 400
        except ServiceError as error:
            messages.error(request, error.message)
            status = 400
    context = {
        "manifesto": manifesto,
        "campaign": campaign,
        "is_open": bool(campaign and selectors.campaign_is_open(campaign)),
        "campaign_form": campaign_form,
        "invalidation_form": invalidation_form,
        "erase_form": erase_form,
        "freeze_form": freeze_form,
        "preview": preview,
    }
    if campaign:
        totals = selectors.totals(manifesto_id=manifesto.pk)
        families = dict(SIGNATURE_FAMILY_CHOICES)
        context.update(
            totals=totals,
            by_family=[(families.get(code, code), n) for code, n in totals["by_family"]],
            by_territory=[(territory_label(code), n) for code, n in totals["by_territory"]],
            per_day=selectors.per_day(manifesto_id=manifesto.pk),
            pending=Signature.objects.filter(manifesto=manifesto, state=SignatureState.PENDING).count(),
            bursts=selectors.bursts(manifesto_id=manifesto.pk),
            **_counter_context(campaign),
        )
    return render(request, "signatures/dashboard.html", context, status=status)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value) -> str:
    """A cell that no spreadsheet will run: text starting like a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


EXPORT_COLUMNS = [
    ("id", lambda s: s.pk),
    ("etat", lambda s: s.get_state_display()),
    ("type", lambda s: s.get_kind_display()),
    ("version", lambda s: s.version.number),
    ("prenom", lambda s: s.first_name),
    ("nom", lambda s: s.last_name),
    ("fonction", lambda s: s.role),
    ("organisation", lambda s: s.organisation_name),
    ("famille", lambda s: s.get_family_display() if s.family else ""),
    ("siren", lambda s: s.siren),
    ("departement", lambda s: s.territory),
    # The address only of those who asked for news: the export is for keeping in touch, nothing more.
    ("email_nouvelles", lambda s: (s.email or "") if s.consent_news else ""),
    ("liste_publique", lambda s: "oui" if s.consent_public else "non"),
    ("nouvelles", lambda s: "oui" if s.consent_news else "non"),
    ("signee_le", lambda s: s.created_at.isoformat()),
    ("confirmee_le", lambda s: s.confirmed_at.isoformat() if s.confirmed_at else ""),
    ("donnees_effacees", lambda s: "oui" if s.erased_at else "non"),
]


@login_required
@require_GET
def export_csv(request, slug):
    """Every signature with its state; erased signatures appear without any personal data, IP addresses never."""
    manifesto = _organised_manifesto(request, slug)
    rows = (
        [csv_safe(getter(signature)) for _name, getter in EXPORT_COLUMNS]
        for signature in selectors.export_rows(manifesto_id=manifesto.pk)
    )
    # BOM, and `?tableur=fr` for spreadsheets set to French (manifesto.spreadsheet).
    response = spreadsheet.response(request, [name for name, _getter in EXPORT_COLUMNS], rows, f"signatures-{manifesto.slug}.csv")
    response["Cache-Control"] = "no-store"
    return response
