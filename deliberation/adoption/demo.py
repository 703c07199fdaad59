"""Demo of the end of the arc: a declaration with the whole arc of stages, its text frozen,
voted article by article by a weighted roll, adopted and proclaimed, so its page shows the
timeline, the result and the signing call. Idempotent: done once through the services.

It is a manifesto of its own, written from the collective-mode demo's text: that one stays in
its synthesis stage, so the editorial desk can still integrate there (and an organiser can open
its adoption stage and a fresh vote). The contributions, agoras and amendments happened there,
so the declaration's preamble says so with their counts, and its own stages before the adoption
are marked passed (its timeline would otherwise count 0 contributions, agoras and amendments).

The ballots are cast through the same service a voter's link uses; the tokens are issued here
(as the email task would) since nobody reads the demo's emails.
"""

import datetime

from django.utils import timezone

from deliberation.adoption import services
from deliberation.adoption.models import AdoptionVote, Majority, Voter
from manifesto import services as text_services
from manifesto import stage_services, stages
from manifesto.models import DecisionMode, Manifesto, SignatureCampaign, Stage, StageKind

ADOPTED_SLUG = "declaration-adoptee"
ADOPTED_TITLE = "Déclaration de la République de l'ESS (adoptée)"
# The vote closed and the text was proclaimed this many days ago, so that the signing campaign's
# first day (manifesto.signatures.demo spreads its signatures over the last day) comes after them.
PROCLAIMED_DAYS_AGO = 2
# Each stage's planned (start, end) in days from today: the whole arc already behind us.
ARC_DAYS = {
    "contributions": (-120, -90), "redaction": (-90, -60), "agoras": (-60, -30),
    "synthese": (-30, -10), "adoption": (-10, -PROCLAIMED_DAYS_AGO), "proclamee": (-PROCLAIMED_DAYS_AGO, None),
}

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


def _day(offset: int):
    return (timezone.now() + datetime.timedelta(days=offset)).date()


def _adopted_manifesto(source: Manifesto, organiser) -> Manifesto:
    """A copy of `source`'s current text, through the services, with its whole arc of stages planned."""
    manifesto = text_services.create_manifesto(
        actor=organiser, title=ADOPTED_TITLE, slug=ADOPTED_SLUG, preamble=_preamble(source),
        decision_mode=DecisionMode.COLLECTIVE,
    )
    for section in source.sections.order_by("position"):
        copy = text_services.add_section(actor=organiser, manifesto=manifesto, title=section.title)
        for clause in section.clauses.order_by("position"):
            text_services.add_clause(actor=organiser, section=copy, text=clause.text,
                                     reason="Texte issu des contributions, des agoras et de la synthèse")
    plan = {kind: (_day(start), _day(end) if end is not None else None) for kind, (start, end) in ARC_DAYS.items()}
    stage_services.configure_stages(actor=organiser, manifesto=manifesto, plan=plan)
    # Opening the adoption (in `load`) marks the stages before it passed: they took place on `source`.
    return manifesto


def _preamble(source: Manifesto) -> str:
    """What the declaration is and where its words come from, with the source's real counts."""
    from agora.models import Agora
    from deliberation.contributions.models import Contribution
    from deliberation.models import Amendment

    contributions = Contribution.objects.filter(manifesto=source).count()
    agoras = Agora.objects.filter(manifesto=source, is_online_space=False).count()
    amendments = Amendment.objects.filter(manifesto=source).count()
    return (
        "Les réseaux de l'économie sociale et solidaire ont adopté cette déclaration par un vote pondéré, "
        "article par article, puis l'ont proclamée : elle est ouverte à la signature. "
        f"Son texte est celui du « {source.title} » (/manifeste/{source.slug}/), écrit à partir de "
        f"{contributions} contributions, débattu dans {agoras} agoras et amendé par {amendments} amendements "
        "auxquels le collectif de rédaction a répondu."
    )


def load(*, manifesto: Manifesto, organiser) -> AdoptionVote:
    """The adopted declaration's vote; `manifesto` is the collective-mode demo its text comes from."""
    adopted = Manifesto.objects.filter(slug=ADOPTED_SLUG).first()
    existing = AdoptionVote.objects.filter(manifesto=adopted).order_by("created_at").first() if adopted else None
    if existing is not None:
        return existing
    manifesto = adopted or _adopted_manifesto(manifesto, organiser)
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
    vote = services.proclaim(actor=organiser, vote=vote)
    return _dated_as_past(vote)


def _dated_as_past(vote: AdoptionVote) -> AdoptionVote:
    """The vote ran through the services just now; its dates move back to where the demo's story
    puts them (opened a week before it closed, proclaimed an hour after, PROCLAIMED_DAYS_AGO),
    with the stages and the campaign's opening, so no page says the signatures opened before the
    vote closed. Plain dates, as the signatures demo moves its own."""
    proclaimed = timezone.now() - datetime.timedelta(days=PROCLAIMED_DAYS_AGO)
    closed = proclaimed - datetime.timedelta(hours=1)
    opened = closed - datetime.timedelta(days=7)
    AdoptionVote.objects.filter(pk=vote.pk).update(opened_at=opened, closes_at=closed, closed_at=closed, proclaimed_at=proclaimed)
    staged = Stage.objects.filter(manifesto=vote.manifesto)
    staged.filter(skipped_at__isnull=False).update(skipped_at=opened)
    staged.filter(kind=StageKind.ADOPTION).update(opened_at=opened, closed_at=proclaimed)
    staged.filter(kind=StageKind.PROCLAIMED).update(opened_at=proclaimed)
    SignatureCampaign.objects.filter(manifesto=vote.manifesto).update(starts_at=proclaimed)
    vote.refresh_from_db()
    return vote
