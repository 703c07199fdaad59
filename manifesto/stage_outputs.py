"""What manifesto itself says on the timeline and guards when going back: signatures."""

from django.utils.translation import ngettext

from manifesto import stages
from manifesto.models import Signature, SignatureState


def signatures_collected(manifesto) -> list[str]:
    count = Signature.objects.filter(manifesto=manifesto, state=SignatureState.CONFIRMED).count()
    return [ngettext("%(count)d signature", "%(count)d signatures", count) % {"count": count}]


def signatures_would_be_orphaned(manifesto, kind: str) -> str | None:
    """Going back before the proclaimed stage would leave signatures on a text that moves again."""
    if stages.ORDER.index(kind) >= stages.ORDER.index("proclamee"):
        return None
    count = Signature.objects.filter(manifesto=manifesto).exclude(state=SignatureState.INVALIDATED).count()
    if not count:
        return None
    return ngettext(
        "%(count)d signature a déjà été recueillie sur le texte proclamé.",
        "%(count)d signatures ont déjà été recueillies sur le texte proclamé.",
        count,
    ) % {"count": count}


def register() -> None:
    stages.register_output("proclamee", signatures_collected)
    stages.register_leave_guard(signatures_would_be_orphaned)
