"""The facilitator role (animateur·rice of chosen agoras), registered in manifesto's role registry.

Registered from AgoraConfig.ready so that manifesto lists, grants and revokes it without
importing agora (docs/people.md). Its targets are the agoras of the text.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from manifesto.people import roles


def _agoras(manifesto):
    from agora.models import Agora

    return Agora.objects.filter(manifesto=manifesto)


def target_choices(manifesto) -> list[tuple[int, str]]:
    return [(agora.pk, agora.title) for agora in _agoras(manifesto).order_by("starts_at", "title")]


def grant(user, manifesto, targets: Iterable = (), actor=None) -> None:
    for agora in _agoras(manifesto).filter(pk__in=list(targets)):
        agora.facilitators.add(user)


def revoke(user, manifesto, targets: Iterable = (), actor=None) -> None:
    agoras = _agoras(manifesto)
    targets = list(targets)
    if targets:
        agoras = agoras.filter(pk__in=targets)
    for agora in agoras.filter(facilitators=user):
        agora.facilitators.remove(user)


def holders(manifesto) -> list[roles.Holding]:
    by_user: dict[int, tuple] = {}
    for agora in _agoras(manifesto).prefetch_related("facilitators").order_by("starts_at", "title"):
        for user in agora.facilitators.all():
            held_user, ids, labels = by_user.get(user.pk, (user, [], []))
            ids.append(agora.pk)
            labels.append(agora.title)
            by_user[user.pk] = (held_user, ids, labels)
    return [
        roles.Holding(user=user, targets=tuple(ids), target_labels=tuple(labels))
        for user, ids, labels in sorted(by_user.values(), key=lambda item: item[0].username)
    ]


def held_by(user) -> list:
    by_manifesto: dict[int, tuple] = {}
    for agora in user.facilitated_agoras.select_related("manifesto").order_by("starts_at", "title"):
        manifesto, ids, labels = by_manifesto.get(agora.manifesto_id, (agora.manifesto, [], []))
        ids.append(agora.pk)
        labels.append(agora.title)
        by_manifesto[agora.manifesto_id] = (manifesto, ids, labels)
    return [
        (manifesto, roles.Holding(user=user, targets=tuple(ids), target_labels=tuple(labels)))
        for manifesto, ids, labels in by_manifesto.values()
    ]


def register() -> None:
    roles.register(
        roles.RoleKind(
            code="facilitator",
            label=_("Animateur·rice d'agoras"),
            help_text=_("Ouvre et anime les séances en direct des agoras choisies ; ne donne aucun rôle."),
            target_choices=target_choices,
            grant=grant,
            revoke=revoke,
            holders=holders,
            held_by=held_by,
            order=30,
        )
    )


def account_agoras(request) -> str:
    """"Mon compte": the agoras this person runs and their open sessions (agora.home's list)."""
    from django.template.loader import render_to_string

    from agora.home import facilitated_agoras

    agoras = facilitated_agoras(request.user)
    return render_to_string("account/_agoras.html", {"agoras": agoras}, request=request)


def register_account_panel() -> None:
    from manifesto.people.extensions import account_panel

    account_panel(account_agoras)
