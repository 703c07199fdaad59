"""The kinds of role a person can hold on a text, in one registry the apps fill.

manifesto registers "organiser" (co-organiser) and "collective" (editorial collective) here;
agora registers "facilitator" from its AppConfig.ready (agora/roles.py), so manifesto never
imports agora. Services (manifesto.people.services) are the only callers of grant and revoke:
they check who may act and write the audit row (RoleChange); a role kind only changes the
membership it owns.

There is no "superuser" kind, on purpose: no form or service that reads this registry can make
anyone a superuser (only manage.py invite_first_organiser can, see docs/people.md).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Holding:
    """One person's hold of a role on a text: `targets` are the ids the role covers (agoras)."""

    user: object
    targets: tuple = ()
    target_labels: tuple = ()


@dataclass(frozen=True)
class RoleKind:
    code: str
    label: str
    # One line for the people page: what the role lets a person do.
    help_text: str
    # (manifesto) -> [(id, label)]: what the role can be given on; None for a role without targets.
    target_choices: Callable | None
    # (user, manifesto, targets, actor) -> None; idempotent.
    grant: Callable
    # (user, manifesto, targets, actor) -> None; targets empty: every target.
    revoke: Callable
    # (manifesto) -> [Holding]
    holders: Callable
    # (user) -> [(manifesto, Holding)]: the texts on which the person holds this role.
    held_by: Callable
    order: int = field(default=100)

    @property
    def has_targets(self) -> bool:
        return self.target_choices is not None


_REGISTRY: dict[str, RoleKind] = {}


def register(kind: RoleKind) -> None:
    _REGISTRY[kind.code] = kind


def get(code: str) -> RoleKind | None:
    return _REGISTRY.get(code)


def all_kinds() -> list[RoleKind]:
    return sorted(_REGISTRY.values(), key=lambda kind: kind.order)


def codes() -> list[str]:
    return [kind.code for kind in all_kinds()]


# ----------------------------------------------------------------------------- manifesto's roles


def _member_kind(*, code: str, label, help_text, relation: str, reverse: str, order: int) -> RoleKind:
    """A role that is membership of one many-to-many of Manifesto (organisers, collective)."""

    def grant(user, manifesto, targets: Iterable = (), actor=None) -> None:
        getattr(manifesto, relation).add(user)

    def revoke(user, manifesto, targets: Iterable = (), actor=None) -> None:
        getattr(manifesto, relation).remove(user)

    def holders(manifesto) -> list[Holding]:
        return [Holding(user=user) for user in getattr(manifesto, relation).order_by("username")]

    def held_by(user) -> list:
        return [(manifesto, Holding(user=user)) for manifesto in getattr(user, reverse).order_by("title")]

    return RoleKind(
        code=code,
        label=label,
        help_text=help_text,
        target_choices=None,
        grant=grant,
        revoke=revoke,
        holders=holders,
        held_by=held_by,
        order=order,
    )


register(
    _member_kind(
        code="organiser",
        label=_("Co-organisateur·rice"),
        help_text=_("Gère le texte, ses étapes, ses agoras et invite d'autres personnes."),
        relation="organisers",
        reverse="organised_manifestos",
        order=10,
    )
)
register(
    _member_kind(
        code="collective",
        label=_("Membre du collectif de rédaction"),
        help_text=_("Répond aux propositions et les intègre au texte."),
        relation="collective",
        reverse="editorial_collectives",
        order=20,
    )
)
