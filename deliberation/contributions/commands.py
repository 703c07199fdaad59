"""Live commands of open contributions, registered with the live room (agora.registry).

A participant posts and supports contributions from the room while the manifesto's stage is
"contributions"; the services check the stage, the commands the session's phase.
"""

from django.utils.translation import gettext as _

from agora.registry import CommandContext, command
from deliberation.contributions import selectors, services
from deliberation.contributions.models import Contribution
from deliberation.contributions.permissions import ContributionActor
from deliberation.errors import InvalidInput, NotFound
from manifesto.models import Clause, Section

PROPOSING = {"proposals"}
DISCUSSING = {"proposals", "supports"}


def _manifesto_id(ctx: CommandContext) -> int:
    return ctx.session.agora.manifesto_id


@command("contribution.post", roles={"participant"}, phases=PROPOSING)
def post(ctx: CommandContext, data: dict) -> dict:
    manifesto_id = _manifesto_id(ctx)
    section = clause = None
    if data["section_id"] is not None:
        section = Section.objects.filter(pk=data["section_id"], manifesto_id=manifesto_id).first()
        if section is None:
            raise InvalidInput(_("Ce thème est introuvable."))
    if data["clause_number"] is not None:
        clause = Clause.objects.filter(number=data["clause_number"], manifesto_id=manifesto_id).first()
        if clause is None:
            raise InvalidInput(_("Cet article est introuvable."))
    contribution = services.post_contribution(
        actor=ContributionActor(participant=ctx.participant),
        manifesto=ctx.session.agora.manifesto,
        title=data["title"],
        text=data["text"],
        section=section,
        new_theme=data["new_theme"],
        clause=clause,
    )
    return {"contribution": selectors.public_data(contribution)}


@command("contribution.support", roles={"participant"}, phases=DISCUSSING)
def support(ctx: CommandContext, data: dict) -> dict:
    contribution = Contribution.objects.filter(pk=data["contribution_id"], manifesto_id=_manifesto_id(ctx)).first()
    if contribution is None:
        raise NotFound(_("Cette contribution est introuvable."))
    voice = services.set_support(actor=ContributionActor(participant=ctx.participant), contribution=contribution, value=data["value"])
    totals, by_family = selectors.support_totals(contribution)
    return {"contribution_id": contribution.pk, "value": voice.value, "totals": totals}
