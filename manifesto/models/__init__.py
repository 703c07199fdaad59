"""The text and what is signed. One module per concern; this package re-exports the models."""

from manifesto.models.families import EssFamily
from manifesto.models.journal import Event
from manifesto.models.people import Invitation, InvitationStatus, Profile, RoleAction, RoleChange
from manifesto.models.stages import Stage, StageKind
from manifesto.models.signatures import Signature, SignatureCampaign, SignatureKind, SignatureState
from manifesto.models.text import Clause, DecisionMode, Manifesto, ManifestoStatus, ManifestoVersion, Section

__all__ = [
    "Clause",
    "DecisionMode",
    "EssFamily",
    "Event",
    "Invitation",
    "InvitationStatus",
    "Manifesto",
    "ManifestoStatus",
    "ManifestoVersion",
    "Profile",
    "RoleAction",
    "RoleChange",
    "Section",
    "Signature",
    "SignatureCampaign",
    "SignatureKind",
    "SignatureState",
    "Stage",
    "StageKind",
]
