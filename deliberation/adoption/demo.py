"""Demo of the adoption vote: the collective-mode manifesto's text, frozen, voted article by
article by a weighted roll, adopted, and proclaimed, so its page shows the result and the
signing call. Idempotent: done once through the services, then left alone.

The ballots are cast through the same service a voter's link uses; the tokens are issued here
(as the email task would) since nobody reads the demo's emails.
"""

import datetime

from django.utils import timezone

from deliberation.adoption import services
from deliberation.adoption.models import AdoptionVote, Majority, Voter
from manifesto import services as text_services
from manifesto import stage_services, stages
from manifesto.models import Manifesto, StageKind

ROLL = """nom,email,organisation,poids
Fédération des coopératives du Nord,coop-nord@example.org,Fédération des coopératives du Nord,3
Union des mutuelles du Rhône,mutuelles-rhone@example.org,Union des mutuelles du Rhône,3
Réseau des associations de Loire-Atlantique,asso-44@example.org,Réseau des associations de Loire-Atlantique,3
Collectif des fondations solidaires,fondations@example.org,Collectif des fondations solidaires,3
Camille Laurent,camille.laurent@example.org,Coopérative Les Tisserands,1
Dominique Perrin,dominique.perrin@example.org,Association Quartiers Solidaires,1
Inès Haddad,ines.haddad@example.org,Mutuelle des Monts,1
Jules Fontaine,jules.fontaine@example.org,SCIC Énergie Partagée,1
Léa Moreau,lea.moreau@example.org,Régie de quartier de Lille-Sud,1
Malik Benali,malik.benali@example.org,Fondation Terre Commune,1
Nora Girard,nora.girard@example.org,Entreprise d'insertion Le Relais,1
Paul Lemoine,paul.lemoine@example.org,Association Vélo-Cité,1
"""

# Who votes what: the whole text, then one article answered differently by a few.
BALLOTS = {
    "coop-nord@example.org": "pour",
    "mutuelles-rhone@example.org": "pour",
    "asso-44@example.org": "pour",
    "fondations@example.org": "abstention",
    "camille.laurent@example.org": "pour",
    "dominique.perrin@example.org": "contre",
    "ines.haddad@example.org": "pour",
    "jules.fontaine@example.org": "pour",
    "lea.moreau@example.org": "contre",
    "malik.benali@example.org": "pour",
}
DISSENT = {"dominique.perrin@example.org", "lea.moreau@example.org", "fondations@example.org"}


def _to_adoption_stage(manifesto: Manifesto, organiser) -> None:
    staged = stages.stages_of(manifesto)
    if not staged:
        return
    current = stages.current(staged)
    if current is None or stages.ORDER.index(current.kind) < stages.ORDER.index(StageKind.ADOPTION):
        stage_services.open_stage(actor=organiser, manifesto=manifesto, kind=StageKind.ADOPTION)


def load(*, manifesto: Manifesto, organiser) -> AdoptionVote:
    existing = AdoptionVote.objects.filter(manifesto=manifesto).order_by("created_at").first()
    if existing is not None:
        return existing
    _to_adoption_stage(manifesto, organiser)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote d'adoption")
    vote = services.create_vote(
        actor=organiser,
        manifesto=manifesto,
        version=version,
        rules=services.Rules(
            title="Adoption du manifeste par les réseaux de l'ESS",
            closes_at=timezone.now() + datetime.timedelta(days=1),
            per_article=True,
            majority=Majority.ABSOLUTE,
            quorum_percent=50,
        ),
    )
    services.import_roll(actor=organiser, vote=vote, csv_text=ROLL)
    services.open_vote(actor=organiser, vote=vote)
    numbers = [clause["number"] for section in version.content["sections"] for clause in section["clauses"]]
    for voter in Voter.objects.filter(vote=vote, email__in=BALLOTS).order_by("?"):
        choice = BALLOTS[voter.email]
        articles = {str(number): "pour" for number in numbers}
        if voter.email in DISSENT and numbers:
            articles[str(numbers[-1])] = "contre"
        token = services.issue_link_token(voter.pk)
        services.cast_ballot(token=token, fingerprint=version.fingerprint, choices={"texte": choice, "articles": articles})
    vote = services.close_vote(actor=organiser, vote=vote)
    return services.proclaim(actor=organiser, vote=vote)
