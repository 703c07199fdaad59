"""Demo data for the text: a French ESS manifesto draft with some history and one frozen version.

Written for this project. Idempotent: the manifesto is built once, through the services (so
revisions, history and the journal are real), and left alone on every later run.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from manifesto import services
from manifesto.models import DecisionMode, Manifesto

DEMO_SLUG = "manifeste-ess"
DEMO_PASSWORD = "demo-coecrire"

TITLE = "Manifeste de la République de l'ESS"

PREAMBLE = (
    "Nous, associations, coopératives, mutuelles, fondations et entreprises sociales, réunies "
    "dans des agoras partout en France, voulons une économie qui serve les personnes et les "
    "territoires plutôt que le seul rendement du capital.\n"
    "Ce texte est le fruit de nos débats. Il dit ce que nous sommes, ce que nous faisons déjà "
    "et ce que nous demandons pour que l'économie sociale et solidaire devienne la norme et "
    "non l'exception."
)

# (section title, [clause texts]) in reading order.
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Nos principes fondateurs",
        [
            "L'économie sociale et solidaire place la personne avant le capital : "
            "la finalité de nos organisations est l'utilité sociale, non l'enrichissement de quelques-uns.",
            "Nos organisations sont gouvernées démocratiquement : une personne, une voix, "
            "quelle que soit la part de capital ou de cotisation qu'elle apporte.",
            "Les excédents sont d'abord réinvestis dans le projet ; les réserves sont impartageables "
            "et transmises aux générations suivantes.",
            "Nous coopérons plutôt que de nous livrer concurrence : la mutualisation des moyens "
            "et des savoirs est notre manière d'entreprendre.",
            "L'ESS est ouverte à toutes et à tous, sans distinction d'origine, de genre, "
            "de handicap ou de condition sociale.",
        ],
    ),
    (
        "La diversité de nos familles",
        [
            "Les associations font vivre le lien social, la culture, le sport, l'éducation populaire "
            "et la solidarité ; leur engagement bénévole est une richesse à reconnaître.",
            "Les coopératives, de production, d'usagers, d'habitants ou d'intérêt collectif, "
            "prouvent chaque jour qu'on peut entreprendre ensemble et partager le pouvoir.",
            "Les mutuelles protègent sans sélectionner : elles rappellent que la santé et la "
            "prévoyance sont des biens communs et non des marchés.",
            "Les fondations mettent des ressources privées au service de l'intérêt général, "
            "dans la durée et en toute indépendance.",
            "Les entreprises sociales et d'insertion démontrent que l'activité économique peut "
            "ramener vers l'emploi celles et ceux que le marché laisse de côté.",
        ],
    ),
    (
        "L'ESS dans ses territoires",
        [
            "L'ESS est ancrée dans les territoires : ses emplois ne se délocalisent pas et ses "
            "décisions se prennent au plus près des habitantes et des habitants.",
            "Dans les quartiers populaires comme dans les campagnes, nos structures maintiennent "
            "des services que personne d'autre n'assure plus.",
            "Les pôles territoriaux de coopération économique rassemblent entreprises, collectivités "
            "et citoyens autour de projets communs ; ils doivent se multiplier.",
            "Les chambres régionales de l'ESS accompagnent les porteurs de projets et doivent "
            "disposer de moyens à la hauteur de leurs missions.",
            "Les outre-mer ont leurs propres formes d'économie solidaire ; elles doivent être "
            "reconnues et soutenues avec leurs spécificités.",
        ],
    ),
    (
        "Une économie au service de la transition",
        [
            "La transition écologique sera juste ou ne sera pas : nous refusons d'opposer fin du mois "
            "et fin du monde.",
            "Réemploi, recyclage, circuits courts, énergies citoyennes : l'ESS invente depuis longtemps "
            "les filières de l'économie circulaire.",
            "L'alimentation de qualité doit être accessible à toutes et à tous, de la ferme à l'assiette, "
            "grâce aux coopératives agricoles et aux épiceries solidaires.",
            "Le numérique doit servir l'émancipation : nous privilégions les logiciels libres "
            "et les plateformes coopératives.",
        ],
    ),
    (
        "Travailler autrement",
        [
            "Nous voulons des emplois de qualité, des écarts de salaires limités et une place réelle "
            "des salariés dans les décisions.",
            "Le bénévolat et le volontariat sont des engagements à valoriser, jamais des substituts "
            "à l'emploi.",
            "La formation des dirigeantes et dirigeants bénévoles comme salariés est une condition "
            "de la vitalité démocratique de nos organisations.",
            "L'égalité entre les femmes et les hommes doit devenir une réalité dans nos instances "
            "de gouvernance.",
        ],
    ),
    (
        "Nos demandes aux pouvoirs publics",
        [
            "Nous demandons que l'ESS soit enseignée à l'école, à l'université et dans les écoles "
            "de commerce, comme une manière à part entière d'entreprendre.",
            "Nous demandons que la commande publique réserve une part aux structures de l'ESS "
            "et intègre partout des clauses sociales et environnementales.",
            "Nous demandons des financements publics pluriannuels, fondés sur la confiance "
            "plutôt que sur les appels à projets de court terme.",
            "Nous demandons une fiscalité qui encourage la mise en réserve des excédents "
            "et le don aux organisations d'intérêt général.",
            "Nous demandons la création d'un fonds d'investissement public dédié à l'ESS, "
            "géré avec ses représentants.",
            "Nous demandons que chaque collectivité se dote d'une stratégie de développement de l'ESS "
            "construite avec ses acteurs.",
            "Nous demandons que les représentants de l'ESS siègent dans les instances du dialogue "
            "social et économique, au niveau national comme local.",
        ],
    ),
]


@dataclass
class DemoText:
    manifesto: Manifesto
    logins: list[str] = field(default_factory=list)
    organiser: object = None
    facilitator: object = None


def _user(username: str, first_name: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = staff
        user.is_superuser = staff
        user.save()
    return user


def _write_text(organiser) -> Manifesto:
    manifesto = services.create_manifesto(
        actor=organiser, title=TITLE, slug=DEMO_SLUG, preamble=PREAMBLE, decision_mode=DecisionMode.ROOM
    )
    for title, texts in SECTIONS:
        section = services.add_section(actor=organiser, manifesto=manifesto, title=title)
        for text in texts:
            services.add_clause(actor=organiser, section=section, text=text, reason="Texte de départ")
    return manifesto


def _amend(manifesto: Manifesto, *, organiser, facilitator) -> None:
    """The first rounds of amendments, after the starting text was frozen."""

    def edit(number: int, text: str, reason: str, actor=organiser) -> None:
        clause = manifesto.clauses.get(number=number)
        if actor is organiser:
            services.edit_clause(actor=actor, clause=clause, text=text, expected_revision=clause.revision, reason=reason)
        else:
            # As the deliberation app does when a room adopts an amendment: its own permissions apply.
            services.apply_clause_text(actor=actor, clause=clause, text=text, expected_revision=clause.revision, reason=reason)

    edit(
        2,
        "Nos organisations sont gouvernées démocratiquement : une personne, une voix, quelle que soit "
        "la part de capital ou de cotisation qu'elle apporte, et chaque membre peut se présenter aux instances.",
        "Amendement adopté à l'agora de Lille",
        actor=facilitator,
    )
    edit(
        16,
        "La transition écologique sera juste ou ne sera pas : nous refusons d'opposer la fin du mois "
        "et la fin du monde, et nous mesurons notre impact sur le vivant.",
        "Amendement adopté à l'agora de Lyon",
        actor=facilitator,
    )
    edit(
        24,
        "Nous demandons que l'ESS soit enseignée dès le collège, à l'université et dans toutes les écoles "
        "de gestion, comme une manière à part entière d'entreprendre.",
        "Relecture du comité de rédaction",
    )
    edit(
        26,
        "Nous demandons des financements publics pluriannuels, fondés sur la confiance et des conventions "
        "d'objectifs, plutôt que sur les appels à projets de court terme.",
        "Proposition de l'agora de Nantes",
    )
    edit(
        26,
        "Nous demandons des financements publics pluriannuels, d'au moins trois ans, fondés sur la confiance "
        "et des conventions d'objectifs, plutôt que sur les appels à projets de court terme.",
        "Précision demandée par l'agora de Marseille",
    )
    territories = manifesto.sections.get(title="L'ESS dans ses territoires")
    services.add_clause(
        actor=organiser,
        section=territories,
        text="Les tiers-lieux, cafés associatifs et ressourceries sont des lieux de rencontre où naissent "
        "les projets de demain ; ils méritent un soutien durable.",
        reason="Proposition de l'agora de Clermont-Ferrand",
    )
    principles = manifesto.sections.get(title="Nos principes fondateurs")
    services.move_clause(actor=organiser, clause=manifesto.clauses.get(number=4), section=principles, position=2)
    edit(
        11,
        "L'ESS est ancrée dans les territoires, des quartiers populaires aux campagnes : ses emplois ne se "
        "délocalisent pas, elle maintient des services que personne d'autre n'assure plus, et ses décisions "
        "se prennent au plus près des habitantes et des habitants.",
        "Fusion des articles 11 et 12 par le comité de rédaction",
    )
    services.delete_clause(
        actor=organiser, clause=manifesto.clauses.get(number=12), reason="Fusionné dans l'article 11"
    )


def load() -> DemoText:
    organiser = _user("organisatrice", "Odile", staff=True)
    facilitator = _user("animateur", "Karim")
    manifesto = Manifesto.objects.filter(slug=DEMO_SLUG).first()
    if manifesto is None:
        manifesto = _write_text(organiser)
        services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte de départ soumis aux agoras")
        _amend(manifesto, organiser=organiser, facilitator=facilitator)
        # A second frozen version, so two versions can be compared as they were.
        services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte après les premières agoras")
    return DemoText(
        manifesto=manifesto,
        organiser=organiser,
        facilitator=facilitator,
        logins=[
            f"organisatrice / {DEMO_PASSWORD} (organisatrice, accès à l'administration)",
            f"animateur / {DEMO_PASSWORD} (animateur·rice)",
        ],
    )
