"""What the adoption vote says on the public timeline, and what it guards when going back."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation.adoption import selectors
from deliberation.adoption.models import AdoptionVote, VoteState
from manifesto import stages
from manifesto.models import StageKind


def votes_held(manifesto) -> list[str]:
    sentences = []
    for vote in AdoptionVote.objects.filter(manifesto=manifesto).exclude(state=VoteState.DRAFT).order_by("opened_at"):
        if vote.is_closed:
            figures = vote.results["turnout"]
            outcome = _("texte adopté") if vote.adopted else _("texte non adopté")
            sentences.append(
                _("Vote « %(title)s » : %(voted)d votant·es sur %(roll)d, %(outcome)s")
                % {"title": vote.title, "voted": figures["voted"], "roll": figures["roll"], "outcome": outcome}
            )
        else:
            figures = selectors.turnout(vote)
            sentences.append(
                _("Vote « %(title)s » en cours : %(voted)d votant·es sur %(roll)d")
                % {"title": vote.title, "voted": figures["voted"], "roll": figures["roll"]}
            )
    return sentences


def proclamation(manifesto) -> list[str]:
    vote = selectors.proclaimed_vote(manifesto)
    if vote is None:
        return []
    return [_("Version %(number)d proclamée") % {"number": vote.version.number}]


def votes_would_be_lost(manifesto, kind: str) -> str | None:
    """Going back before the adoption stage would leave an opened vote on a text that moves again."""
    if stages.ORDER.index(kind) >= stages.ORDER.index(StageKind.ADOPTION):
        return None
    count = AdoptionVote.objects.filter(manifesto=manifesto).exclude(state=VoteState.DRAFT).count()
    if not count:
        return None
    return ngettext(
        "%(count)d vote d'adoption a déjà été ouvert sur le texte.",
        "%(count)d votes d'adoption ont déjà été ouverts sur le texte.",
        count,
    ) % {"count": count}


def register() -> None:
    stages.register_output(StageKind.ADOPTION, votes_held)
    stages.register_output(StageKind.PROCLAIMED, proclamation)
    stages.register_leave_guard(votes_would_be_lost)
