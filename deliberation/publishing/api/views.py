"""The open read-only API, /api/v1/ (docs/api.md). Public data only, as the public pages show it."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from manifesto import selectors as text_selectors
from manifesto.models import Event, Manifesto
from deliberation.publishing.api import shapes
from deliberation.publishing.api.http import ApiError, endpoint, paginate


def _manifesto(slug: str) -> Manifesto:
    return get_object_or_404(Manifesto, slug=slug)


def _last_change(manifesto: Manifesto):
    """When the manifesto's journal last moved: the Last-Modified of what depends on it."""
    return Event.objects.filter(manifesto=manifesto, seq=manifesto.last_seq).values_list("created_at", flat=True).first()


def _key(manifesto: Manifesto) -> str:
    return f"{manifesto.pk}:{manifesto.created_at.timestamp()}:{manifesto.last_seq}"


@endpoint
def index(request):
    links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in ("manifestos",)}
    return {"version": "v1", "documentation": "docs/api.md", "links": links}, None, None


@endpoint
def manifesto_list(request):
    manifestos = Manifesto.objects.order_by("created_at", "pk")
    return paginate(request, manifestos, lambda m: shapes.manifesto_summary(request, m)), None, None


@endpoint
def manifesto_detail(request, slug):
    manifesto = _manifesto(slug)
    return lambda: shapes.manifesto_detail(request, manifesto), _last_change(manifesto), _key(manifesto)


@endpoint
def version_list(request, slug):
    manifesto = _manifesto(slug)
    versions = manifesto.versions.order_by("number")
    return paginate(request, versions, lambda v: shapes.version_summary(request, v)), _last_change(manifesto), None


@endpoint
def version_detail(request, slug, number):
    manifesto = _manifesto(slug)
    version = get_object_or_404(manifesto.versions, number=number)
    return lambda: shapes.version_detail(request, version), version.created_at, f"version:{version.pk}:{version.fingerprint}"


@endpoint
def article_detail(request, slug, number):
    manifesto = _manifesto(slug)
    entries = text_selectors.clause_history(manifesto=manifesto, number=number)
    if entries is None:
        raise ApiError(404, _("Cet article n'existe pas."))
    return lambda: shapes.article(request, manifesto, number, entries), _last_change(manifesto), _key(manifesto)


@endpoint
def amendment_list(request, slug):
    manifesto = _manifesto(slug)

    def build():
        from deliberation import selectors as deliberation_selectors

        public = deliberation_selectors.visible(manifesto.amendments.all(), AnonymousUser())
        rows = shapes.amendments_queryset(public)
        return paginate(request, rows, lambda a: shapes.amendment(request, a))

    return build, _last_change(manifesto), _key(manifesto)


@endpoint
def agora_list(request, slug):
    manifesto = _manifesto(slug)
    agoras = manifesto.agoras.order_by("starts_at", "pk")
    return lambda: paginate(request, agoras, lambda a: shapes.agora(request, a)), _last_change(manifesto), _key(manifesto)


@endpoint
def signature_counts(request, slug):
    manifesto = _manifesto(slug)
    # Signatures are not journalled: the short body cache keyed by the manifesto alone bounds the work.
    return lambda: shapes.signature_counts(manifesto), None, f"signatures:{manifesto.pk}:{manifesto.created_at.timestamp()}"
