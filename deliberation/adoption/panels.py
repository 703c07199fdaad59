"""The adoption vote on the manifesto's page: the vote under way, its result, the signing call."""

from django.template.loader import render_to_string

from deliberation.adoption import permissions
from deliberation.adoption.models import AdoptionVote, VoteState
from manifesto.extensions import manifesto_panel


@manifesto_panel
def adoption_vote(request, manifesto) -> str:
    vote = (
        AdoptionVote.objects.filter(manifesto=manifesto)
        .exclude(state=VoteState.DRAFT)
        .select_related("version")
        .order_by("-proclaimed_at", "-opened_at")
        .first()
    )
    is_manager = permissions.can_manage_vote(request.user, manifesto)
    if vote is None and not is_manager:
        return ""
    return render_to_string(
        "deliberation/adoption/_manifesto_panel.html",
        {"manifesto": manifesto, "vote": vote, "is_manager": is_manager},
        request=request,
    )
