"""Demo data for deliberation: a past session of the demo agora with a few amendments, so that the
clause page and the permalinks have something to show. Idempotent; the text itself is not changed."""

from django.contrib.auth import get_user_model

from agora import services as agora_services
from agora.models import Agora, Phase
from deliberation import services
from deliberation.models import Amendment, AmendmentKind
from deliberation.permissions import Actor


def load(agora: Agora) -> int:
    """Add the demo amendments once; return how many amendments the demo manifesto has."""
    if Amendment.objects.filter(manifesto_id=agora.manifesto_id).exists():
        return Amendment.objects.filter(manifesto_id=agora.manifesto_id).count()
    facilitator = get_user_model().objects.filter(username="animateur").first()
    clause = agora.manifesto.clauses.order_by("section__position", "position").first()
    if facilitator is None or clause is None:
        return 0
    session = agora_services.open_session(actor=facilitator, agora=agora)
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    camille = Actor(participant=agora_services.join(
        session=session, display_name="Camille", organisation="Coopérative Les Tisserands", ess_family="cooperative"
    ))
    dominique = Actor(participant=agora_services.join(
        session=session, display_name="Dominique", organisation="Association Quartiers Solidaires", ess_family="association"
    ))
    reworded = services.propose_amendment(
        actor=camille, session=session, kind=AmendmentKind.MODIFY, clause=clause,
        text=clause.text.rstrip(".") + ", et partage le pouvoir entre celles et ceux qui la font vivre.",
        justification="La gouvernance démocratique est au cœur de l'ESS : disons-le dès le premier article.",
    )
    inserted = services.propose_amendment(
        actor=dominique, session=session, kind=AmendmentKind.INSERT, section=clause.section,
        text="Chaque territoire doit pouvoir compter sur une maison de l'ESS ouverte à toutes et tous.",
        justification="Ancrer le manifeste dans les territoires.",
    )
    services.add_comment(actor=dominique, amendment=reworded, stance="pour", text="Oui, la démocratie d'abord.")
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.SUPPORTS)
    services.set_support(actor=camille, amendment=reworded, value="pour")
    services.set_support(actor=dominique, amendment=reworded, value="pour")
    services.set_support(actor=camille, amendment=inserted, value="abstention")
    services.reject_amendment(
        actor=Actor(user=facilitator), amendment=inserted, reason="Renvoyé à la partie sur les territoires, à venir."
    )
    agora_services.close_session(actor=facilitator, session=session)
    return Amendment.objects.filter(manifesto_id=agora.manifesto_id).count()
