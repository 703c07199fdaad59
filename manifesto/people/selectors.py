"""Reads of the people pages: who holds which role, the invitations, the audit, a person's roles."""

from dataclasses import dataclass

from manifesto.models import Invitation, Manifesto, RoleChange
from manifesto.people import roles


@dataclass
class RoleSection:
    kind: roles.RoleKind
    holdings: list


def role_sections(manifesto: Manifesto) -> list[RoleSection]:
    return [RoleSection(kind=kind, holdings=kind.holders(manifesto)) for kind in roles.all_kinds()]


def grant_labels(manifesto: Manifesto | None, grants: list[dict]) -> list[str]:
    """The roles of an invitation in words ("Animateur·rice d'agoras : Agora de Lille")."""
    labels = []
    for grant in grants:
        kind = roles.get(grant.get("role"))
        if kind is None or manifesto is None:
            continue
        if kind.has_targets:
            names = dict(kind.target_choices(manifesto))
            targets = ", ".join(names[target] for target in grant.get("targets", []) if target in names)
            labels.append(f"{kind.label} : {targets}" if targets else str(kind.label))
        else:
            labels.append(str(kind.label))
    return labels


def invitations_of(manifesto: Manifesto) -> dict[str, list[Invitation]]:
    """The text's invitations by state (pending, expired, accepted, revoked), newest first."""
    groups = {"pending": [], "expired": [], "accepted": [], "revoked": []}
    for invitation in Invitation.objects.filter(manifesto=manifesto).select_related("invited_by", "accepted_by"):
        invitation.labels = grant_labels(manifesto, invitation.grants)
        groups[invitation.state].append(invitation)
    return groups


def recent_changes(manifesto: Manifesto, *, limit: int = 50) -> list[RoleChange]:
    changes = list(RoleChange.objects.filter(manifesto=manifesto).select_related("actor")[:limit])
    for change in changes:
        kind = roles.get(change.role)
        change.role_label = kind.label if kind else change.role
    return changes


def roles_of(user) -> list[tuple[Manifesto, list[tuple[roles.RoleKind, roles.Holding]]]]:
    """The texts on which `user` holds a role, with those roles, for "Mon compte"."""
    by_manifesto: dict[int, tuple[Manifesto, list]] = {}
    for kind in roles.all_kinds():
        for manifesto, holding in kind.held_by(user):
            by_manifesto.setdefault(manifesto.pk, (manifesto, []))[1].append((kind, holding))
    return sorted(by_manifesto.values(), key=lambda item: item[0].title)
