"""Demo data for the editorial desk, on top of the collective-mode demo (deliberation/demo_collective.py):
the collective deferred one proposal, through the desk's own service, so the desk shows every
state. The conflict set, the duplicate group and the compatible changes come from that demo's
proposals; what is left is for whoever opens the desk. Idempotent."""

from deliberation.editorial import services
from deliberation.models import Amendment


def load(manifesto) -> None:
    editor = manifesto.collective.order_by("pk").first()
    if editor is None or Amendment.objects.filter(manifesto=manifesto, deferred_at__isnull=False).exists():
        return
    # The online space's "financements … simples à obtenir": the collective waits for the agoras' reports.
    waiting = (
        Amendment.objects.filter(manifesto=manifesto, session__agora__is_online_space=True, clause_number=9, outcome_final=False)
        .order_by("number")
        .first()
    )
    if waiting is not None:
        services.defer(actor=editor, manifesto=manifesto, amendment_ids=[waiting.pk])
