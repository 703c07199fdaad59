"""Demo of the whole arc's first part on the collective-mode manifesto: its stages with dates
(contributions → rédaction → agoras → synthèse, then adoption and proclamation planned), open
contributions from the agoras' participants and from people online, with supports, comments,
moderation and the collective's answers, and an article written from contributions.

Everything goes through the services (so journal, history and answers are real), in stage order;
then the stages' and contributions' dates are set back to where they sit in the year the process
ran, relative to today, so the public timeline reads as a real process. Idempotent: a manifesto
that already has stages is left alone.
"""

from datetime import timedelta

from django.utils import timezone

from agora.models import Participant
from deliberation.contributions import services
from deliberation.contributions.models import Contribution, ContributionComment, Contributor
from deliberation.contributions.permissions import ContributionActor
from manifesto import stage_services
from manifesto.models import Manifesto, Stage

# (day offset from today, days long): where each stage sits; None: planned only.
STAGE_DAYS = {
    "contributions": (-120, 45),
    "redaction": (-74, 44),
    "agoras": (-28, 23),
    "synthese": (-4, 14),
    "adoption": (14, 7),
    "proclamee": (28, 60),
    "close": (120, None),
}

ONLINE = [
    ("awa.diallo@example.org", "Awa", "association", "93", "Réseau des épiceries solidaires"),
    ("bruno.martin@example.org", "Bruno", "cooperative", "44", "Scop Les Charpentiers"),
    ("claire.petit@example.org", "Claire", "mutuelle", "35", "Mutuelle des Pays de Vilaine"),
    ("david.roux@example.org", "David", "fondation", "69", "Fondation Terres Communes"),
]

# (author: agora index or "online:<n>", section number or new theme, article or None, title, text)
CONTRIBUTIONS = [
    (0, 1, None, "Une place pour les jeunes dans nos gouvernances",
     "Nos conseils d'administration vieillissent. Réservons des sièges aux moins de 30 ans et formons-les à la gouvernance."),
    ("online:0", 3, None, "Des achats publics qui comptent l'utilité sociale",
     "Les collectivités devraient réserver une part de leurs marchés aux structures de l'ESS et noter l'utilité sociale des offres."),
    ("online:1", "Finance solidaire", None, "Financer l'ESS par l'épargne des habitants",
     "Un livret d'épargne territorial dont les fonds restent dans la région et financent les coopératives et associations locales."),
    (1, 2, None, "Les communs numériques sont aussi des biens communs",
     "Logiciels libres, données ouvertes, plateformes coopératives : l'ESS doit les protéger comme l'eau et la terre."),
    (2, 3, None, "Réserver les marchés publics à l'ESS",
     "Une part des achats des collectivités doit revenir aux entreprises de l'ESS."),
    ("online:2", 2, None, "Mettre la transition écologique au cœur de nos métiers",
     "Chaque organisation de l'ESS devrait avoir un plan de transition écologique, discuté avec ses membres."),
    (0, "Mesure d'impact", None, "Mesurer notre impact avec des indicateurs financiers",
     "Adoptons un indicateur unique de rentabilité sociale, comparable d'une structure à l'autre."),
    (1, 1, 4, "Coopérer entre familles de l'ESS",
     "Associations, coopératives, mutuelles et fondations gagneraient à monter des projets ensemble sur chaque territoire."),
    ("online:3", 2, None, "Reconnaître le bénévolat",
     "Le temps donné par les bénévoles devrait ouvrir des droits : formation, validation des acquis, retraite."),
    (2, 1, None, "Venez découvrir nos offres promotionnelles",
     "Cliquez ici pour des réductions exceptionnelles sur nos produits."),
]
# Voices per contribution: (agora index or "online", letters p/c/a by voter in order)
VOICES = [
    [(0, "pppppp"), (1, "pppap"), (2, "ppp"), ("online", "pp")],
    [(0, "ppca"), (1, "pcc"), (2, "ppppp"), ("online", "pp")],
    [(1, "ppa"), ("online", "pppp")],
    [(1, "ppppp"), (2, "pap"), (0, "pc")],
    [(2, "pp")],
    [(0, "pppppp"), (1, "ppppp"), (2, "pppppp"), ("online", "pp")],
    [(0, "cccp"), (1, "ca"), (2, "cc")],
    [(0, "ppppa"), (1, "ppppppp"), (2, "pppp"), ("online", "ppp")],
    [(0, "ppa"), ("online", "pa")],
    [],
]


def load(*, manifesto: Manifesto, organiser, editor) -> int:
    """Stages and contributions on `manifesto` once; return its number of public contributions."""
    if not Stage.objects.filter(manifesto=manifesto).exists():
        _build(manifesto, organiser, editor)
    return Contribution.objects.filter(manifesto=manifesto, state__in=["published", "duplicate"]).count()


def _day(offset: int):
    return (timezone.now() + timedelta(days=offset)).date()


def _build(manifesto: Manifesto, organiser, editor) -> None:
    plan = {kind: (_day(start), _day(start + length) if length else None) for kind, (start, length) in STAGE_DAYS.items()}
    stage_services.configure_stages(actor=organiser, manifesto=manifesto, plan=plan)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="contributions")

    participants = _participants(manifesto)
    online = [_contributor(manifesto, *person) for person in ONLINE]
    voters = {**participants, "online": [ContributionActor(contributor=c) for c in online]}
    sections = list(manifesto.sections.order_by("position"))
    made = []
    for index, (author, theme, article, title, text) in enumerate(CONTRIBUTIONS):
        if isinstance(author, str):
            actor = voters["online"][int(author.split(":")[1])]
        else:
            actor = participants[author][index % len(participants[author])]
        section = sections[theme - 1] if isinstance(theme, int) else None
        made.append(services.post_contribution(
            actor=actor, manifesto=manifesto, title=title, text=text, section=section,
            new_theme=theme if isinstance(theme, str) else "",
            clause=manifesto.clauses.filter(number=article).first() if article else None,
        ))
    for contribution, voices in zip(made, VOICES):
        for where, letters in voices:
            for voter, letter in zip(voters[where], letters):
                value = {"p": "pour", "c": "contre", "a": "abstention"}[letter]
                services.set_support(actor=voter, contribution=contribution, value=value)
    services.add_comment(actor=voters["online"][2], contribution=made[0], text="Et formons aussi les élu·es bénévoles qui les accueillent.")
    services.add_comment(actor=participants[1][0], contribution=made[2], text="Attention à ne pas concurrencer les banques coopératives existantes.")
    services.add_comment(actor=voters["online"][0], contribution=made[7], text="C'est ce que fait déjà le pôle territorial de Roubaix : ça marche.")
    # Moderation: an organiser hides an advert; the collective groups two proposals saying the same.
    services.hide_contribution(actor=organiser, contribution=made[9], reason="Publicité sans rapport avec le manifeste.")
    services.mark_duplicate(actor=editor, contribution=made[4], duplicate_of=made[1])

    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="redaction")
    section_two = sections[1]
    services.draft_article(
        actor=editor, manifesto=manifesto, contributions=[made[3], made[5]], section=section_two,
        text="Nous engageons nos organisations dans la transition écologique et protégeons les communs, "
             "naturels comme numériques : logiciels libres, données ouvertes, plateformes coopératives.",
    )
    services.link_to_article(actor=editor, manifesto=manifesto, clause=manifesto.clauses.get(number=4), contributions=[made[7], made[0]])
    services.set_aside(actor=editor, contribution=made[6], reason="Un indicateur unique effacerait ce qui fait la diversité de nos utilités sociales.")

    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="agoras")
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="synthese")
    _set_dates_back(manifesto, made)


def _participants(manifesto: Manifesto) -> dict:
    """The agoras' participants (from their past sessions), by agora in date order."""
    by_agora = {}
    agoras = list(manifesto.agoras.filter(is_online_space=False).order_by("starts_at"))
    for index, agora in enumerate(agoras):
        people = Participant.objects.filter(session__agora=agora, removed_at__isnull=True).order_by("pk")
        by_agora[index] = [ContributionActor(participant=p) for p in people]
    return by_agora


def _contributor(manifesto, email, name, family, territory, organisation) -> Contributor:
    return Contributor.objects.create(
        manifesto=manifesto, email=email, display_name=name, ess_family=family, territory=territory,
        organisation=organisation, confirmed_at=timezone.now(),
    )


def _set_dates_back(manifesto: Manifesto, made: list[Contribution]) -> None:
    """Demo only: put the stages and contributions where they sit in the year of the process."""
    now = timezone.now()
    for kind, (start, length) in STAGE_DAYS.items():
        stage = Stage.objects.get(manifesto=manifesto, kind=kind)
        if stage.opened_at is None:
            continue
        updates = {"opened_at": now + timedelta(days=start)}
        if stage.closed_at is not None:
            updates["closed_at"] = now + timedelta(days=start + length)
        Stage.objects.filter(pk=stage.pk).update(**updates)
    first_day = STAGE_DAYS["contributions"][0]
    for index, contribution in enumerate(made):
        posted = now + timedelta(days=first_day + 2 + index * 4, hours=index)
        Contribution.objects.filter(pk=contribution.pk).update(created_at=posted, published_at=posted)
        ContributionComment.objects.filter(contribution=contribution).update(created_at=posted + timedelta(days=1))
