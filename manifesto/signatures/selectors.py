"""Reads about signatures: the live count, the public list, totals, receipts."""

import datetime
import ipaddress
import time
from collections import Counter
import json
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from manifesto.models import ManifestoStatus, Signature, SignatureCampaign, SignatureKind, SignatureState
from manifesto.vocabulary import validate_event

COUNT_EVENT = "signatures.count"


def counter_group(manifesto_id: int) -> str:
    """The channel-layer group of a manifesto's public counter; built from an integer id only."""
    return f"signatures-{int(manifesto_id)}"


def _count_key(manifesto_id: int) -> str:
    return f"sigcount:{int(manifesto_id)}"


def campaign_for(*, slug: str) -> SignatureCampaign | None:
    return (
        SignatureCampaign.objects.select_related("manifesto", "version")
        # The text itself is read only when a page shows it (one more query), not on every signing POST.
        .defer("version__content", "version__canonical_text", "manifesto__preamble")
        .filter(manifesto__slug=slug)
        .first()
    )


@dataclass(frozen=True)
class CampaignState:
    """What signing needs to know about a campaign, read in one small query (the signing POST is hot)."""

    manifesto_id: int
    version_id: int
    status: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @classmethod
    def of(cls, campaign: SignatureCampaign) -> "CampaignState":
        return cls(
            manifesto_id=campaign.manifesto_id,
            version_id=campaign.version_id,
            status=campaign.manifesto.status,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            closed_at=campaign.closed_at,
        )


CAMPAIGN_STATE_FIELDS = ("manifesto_id", "version_id", "manifesto__status", "starts_at", "ends_at", "closed_at")


def campaign_state(*, slug: str) -> CampaignState | None:
    row = SignatureCampaign.objects.filter(manifesto__slug=slug).values_list(*CAMPAIGN_STATE_FIELDS).first()
    return CampaignState(*row) if row else None


def campaign_is_open(campaign: SignatureCampaign | CampaignState, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    status = campaign.status if isinstance(campaign, CampaignState) else campaign.manifesto.status
    return (
        status == ManifestoStatus.SIGNING
        and campaign.closed_at is None
        and campaign.starts_at <= now
        and (campaign.ends_at is None or now < campaign.ends_at)
    )


def counted(manifesto_id: int) -> QuerySet:
    """The signatures that count: confirmed, neither withdrawn nor invalidated (erased ones still count)."""
    return Signature.objects.filter(manifesto_id=manifesto_id, state=SignatureState.CONFIRMED)


def signature_count(manifesto_id: int, *, fresh: bool = False) -> int:
    """An indexed COUNT, cached for a moment so that a burst of page loads reads it once."""
    return versioned_count(manifesto_id, fresh=fresh)[0]


def versioned_count(manifesto_id: int, *, fresh: bool = False) -> tuple[int, int]:
    """(count, version): `version` is when the count was read (microseconds since the epoch,
    taken just BEFORE the query), so a count with a higher version reflects every signature
    committed before the other's was read. Counter frames are sent from several threads and
    processes and may arrive out of order; the page shows a frame only if its version is not
    older than the one on screen, so a stale lower count never replaces a newer one."""
    key = _count_key(manifesto_id)
    if not fresh:
        cached = cache.get(key)
        if isinstance(cached, (list, tuple)) and len(cached) == 2:
            return tuple(cached)
    version = time.time_ns() // 1000
    count = counted(manifesto_id).count()
    if settings.SIGNATURE_COUNT_CACHE_SECONDS:
        cache.set(key, (count, version), timeout=settings.SIGNATURE_COUNT_CACHE_SECONDS)
    return count, version


def counter_data(manifesto_id: int, *, fresh: bool = False) -> dict:
    goal = SignatureCampaign.objects.filter(manifesto_id=manifesto_id).values_list("goal", flat=True).first()
    count, version = versioned_count(manifesto_id, fresh=fresh)
    return {"manifesto_id": int(manifesto_id), "count": count, "goal": goal, "version": version}


def counter_frame(manifesto_id: int, *, fresh: bool = False) -> str:
    """The counter message as sent on the wire: {type, seq: null, data}; not journaled, so no seq."""
    data = counter_data(manifesto_id, fresh=fresh)
    validate_event(COUNT_EVENT, data)
    return json.dumps({"type": COUNT_EVENT, "seq": None, "data": data}, separators=(",", ":"))


def broadcast_count(manifesto_id: int) -> None:
    """Send the fresh count to everyone watching the counter (after commit; may be dropped, the next corrects it)."""
    layer = get_channel_layer()
    frame = counter_frame(manifesto_id, fresh=True)
    if layer is None:
        return
    async_to_sync(layer.group_send)(counter_group(manifesto_id), {"type": "signatures.count", "frame": frame})


# ----------------------------------------------------------------------------- public list


def public_list(*, manifesto_id: int, family: str = "", territory: str = "", query: str = "") -> QuerySet:
    """Confirmed signatures whose signatory agreed to be listed; an organisation appears once."""
    listed = Signature.objects.filter(manifesto_id=manifesto_id, state=SignatureState.CONFIRMED, consent_public=True)
    earlier_for_same_organisation = listed.filter(
        kind=SignatureKind.ORGANISATION, organisation_key=OuterRef("organisation_key"), pk__lt=OuterRef("pk")
    )
    queryset = listed.exclude(Q(kind=SignatureKind.ORGANISATION) & Exists(earlier_for_same_organisation))
    if family:
        queryset = queryset.filter(kind=SignatureKind.ORGANISATION, family=family)
    if territory:
        queryset = queryset.filter(territory=territory)
    query = " ".join((query or "").split())[:100]
    if query:
        # Match only what the list displays: a person's name and title, an organisation's
        # name — never the name of the person who signed for an organisation.
        queryset = queryset.filter(
            Q(kind=SignatureKind.PERSON)
            & (Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(role__icontains=query))
            | Q(kind=SignatureKind.ORGANISATION, organisation_name__icontains=query)
        )
    return queryset.select_related("version").only(
        "kind",
        "first_name",
        "last_name",
        "role",
        "organisation_name",
        "family",
        "territory",
        "confirmed_at",
        "version__number",
        "version__label",
    ).order_by("-confirmed_at", "-pk")


def totals(*, manifesto_id: int) -> dict:
    """Counted signatures by kind, ESS family, territory and version (anonymous, so all of them)."""
    base = counted(manifesto_id)
    by_kind = dict(base.values_list("kind").annotate(n=Count("pk")).order_by())
    by_family = sorted(
        base.filter(kind=SignatureKind.ORGANISATION).values_list("family").annotate(n=Count("pk")).order_by(),
        key=lambda row: -row[1],
    )
    by_territory = sorted(base.values_list("territory").annotate(n=Count("pk")).order_by(), key=lambda row: (-row[1], row[0]))
    by_version = list(
        base.values_list("version__number", "version__label").annotate(n=Count("pk")).order_by("-version__number")
    )
    return {
        "total": sum(by_kind.values()),
        "people": by_kind.get(SignatureKind.PERSON, 0),
        "organisations": by_kind.get(SignatureKind.ORGANISATION, 0),
        "by_family": by_family,
        "by_territory": by_territory,
        "by_version": by_version,
    }


def state_counts(*, manifesto_id: int) -> dict[str, int]:
    """How many signatures are confirmed (they count), awaiting their email confirmation, withdrawn."""
    rows = dict(
        Signature.objects.filter(manifesto_id=manifesto_id).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return {state: rows.get(state, 0) for state in (SignatureState.CONFIRMED, SignatureState.PENDING, SignatureState.WITHDRAWN)}


@dataclass(frozen=True)
class Burst:
    criterion: str  # "ip_network" or "email_domain": the invalidation form's field
    value: str  # 203.0.113.0/24, 2001:db8:1::/48, or a domain
    signatures: int


def bursts(*, manifesto_id: int, hours: int = 1, at_least: int = 3, limit: int = 10) -> list[Burst]:
    """Networks (/24 for IPv4, /48 for IPv6) and email domains that signed most in the last `hours`.

    For organisers watching a campaign: a burst from one network or one domain is the usual
    shape of a scripted or coordinated inflation; bulk invalidation takes the same criteria.
    """
    since = timezone.now() - datetime.timedelta(hours=hours)
    rows = Signature.objects.filter(manifesto_id=manifesto_id, created_at__gte=since).values_list("ip_address", "email")
    networks: Counter = Counter()
    domains: Counter = Counter()
    for ip, email in rows:
        if ip:
            prefix = 24 if ipaddress.ip_address(ip).version == 4 else 48
            networks[str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))] += 1
        if email and "@" in email:
            domains[email.rsplit("@", 1)[1]] += 1
    found = [Burst("ip_network", value, n) for value, n in networks.items() if n >= at_least]
    found += [Burst("email_domain", value, n) for value, n in domains.items() if n >= at_least]
    return sorted(found, key=lambda burst: (-burst.signatures, burst.criterion, burst.value))[:limit]


def per_day(*, manifesto_id: int) -> list[tuple[datetime.date, int]]:
    return list(
        counted(manifesto_id)
        .annotate(day=TruncDate("confirmed_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )


def receipt(*, manifesto_id: int, code: str) -> Signature | None:
    """A confirmed signature by its receipt code; the page shows version and dates, never who signed."""
    if not code:
        return None
    return (
        Signature.objects.select_related("version")
        .only("state", "confirmed_at", "kind", "version__number", "version__label", "version__fingerprint")
        .filter(manifesto_id=manifesto_id, receipt_code=code)
        .first()
    )


def export_rows(*, manifesto_id: int):
    return (
        Signature.objects.filter(manifesto_id=manifesto_id)
        .select_related("version")
        .order_by("created_at", "pk")
        .iterator(chunk_size=1000)
    )
