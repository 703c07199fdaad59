"""Demo data for collective mode: one text, three agoras in three territories and the online space.

Each agora debated in a (past, closed) live session: participants of every ESS family, a few
dozen amendments with their voices, and the agora's positions with their frozen tallies. The
editorial collective has already answered some. What is left for the desk (deliberation/editorial/)
is shaped on purpose:

- article 2: three agoras rewrite the same end of sentence differently (a conflict set);
- article 4: three agoras, and the online space, want to delete « plutôt que de se faire
  concurrence » in nearly the same words (a duplicate group across agoras);
- article 6: two amendments that touch disjoint passages (compatible, integrable together).

Idempotent: built once through the services (so history, journal and positions are real), then
left alone. The collective's earlier answers are written the way the desk writes them: through
manifesto's services with a history reason crediting amendment, agora and editor.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from agora import services as agora_services
from agora.models import Agora, Phase
from deliberation import outcomes, selectors, services
from deliberation.models import Amendment, AmendmentKind, Outcome
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.history import track
from manifesto.journal import record_event
from manifesto.models import Clause, DecisionMode, Manifesto

COLLECTIVE_SLUG = "manifeste-collectif"
TITLE = "Manifeste pour une économie qui rassemble"
PREAMBLE = (
    "Ce texte est écrit par plusieurs agoras à la fois. Chacune prend position sur les amendements ; "
    "le collectif de rédaction les lit tous, intègre ce qui converge et répond à chaque proposition."
)

SECTIONS = [
    (
        "Ce qui nous rassemble",
        [
            "L'économie sociale et solidaire réunit des organisations qui placent la personne avant le capital.",
            "Nos organisations partagent leurs excédents et les réinvestissent dans leur projet commun.",
            "Nous croyons que la démocratie ne s'arrête pas à la porte de l'entreprise.",
            "Nous voulons une économie qui coopère plutôt que de se faire concurrence, au service des territoires.",
        ],
    ),
    (
        "Ce que nous faisons",
        [
            "Nous créons des emplois qui ne se délocalisent pas.",
            "Nous accueillons chaque personne, quels que soient son parcours et ses moyens, dans nos services.",
            "Nous prenons soin des biens communs : l'eau, la terre, les savoirs.",
        ],
    ),
    (
        "Ce que nous demandons",
        [
            "Nous demandons une place pour l'ESS dans chaque stratégie publique de développement économique.",
            "Nous demandons des financements stables, fondés sur des conventions pluriannuelles.",
            "Nous demandons que les marchés publics réservent une part aux structures de l'ESS.",
        ],
    ),
]

# (slug, title, département, région, days ago)
AGORAS = [
    ("collectif-lille", "Agora de Lille", "Nord", "Hauts-de-France", 21),
    ("collectif-lyon", "Agora de Lyon", "Rhône", "Auvergne-Rhône-Alpes", 14),
    ("collectif-marseille", "Agora de Marseille", "Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur", 7),
]

FAMILIES = ["association", "cooperative", "mutuelle", "fondation", "entreprise_sociale", "association", "cooperative", "mutuelle"]
NAMES = ["Camille", "Dominique", "Sacha", "Yanis", "Inès", "Louise", "Malik", "Jeanne"]

# Each proposal: (agora index or "online", kind, article number, text, justification, votes, position)
# votes: a string of p/c/a (pour/contre/abstention), one letter per participant in order.
# position: "retain" | ("reject", reason) | None (still open in the room).
DELETE_PLUTOT = "Nous voulons une économie qui coopère, au service des territoires."
PROPOSALS = [
    # --- article 2: a conflict set (same end of sentence, three ways)
    (0, "modify", 2, "Nos organisations partagent leurs excédents et les réinvestissent dans l'emploi local.",
     "Dire où va l'argent.", "ppppcap", "retain"),
    (1, "modify", 2, "Nos organisations partagent leurs excédents et les mettent en réserve pour les générations futures.",
     "Les réserves impartageables sont notre force.", "pppcppa", "retain"),
    (2, "modify", 2, "Nos organisations partagent leurs excédents et les redistribuent à leurs membres et au territoire.",
     "La redistribution est au cœur des mutuelles.", "ppcpaap", "retain"),
    # --- article 4: near-duplicates from every agora and online
    (0, "modify", 4, DELETE_PLUTOT, "Parlons de ce que nous voulons, pas de ce que nous refusons.", "pppppcp", "retain"),
    (1, "modify", 4, "Nous voulons une économie qui coopère, au service de nos territoires.",
     "La concurrence n'est pas notre sujet.", "ppppapp", "retain"),
    (2, "modify", 4, "Nous voulons une économie qui coopère, au service des territoires !",
     "Plus positif.", "pppaccp", "retain"),
    ("online", "modify", 4, DELETE_PLUTOT, "Même proposition que plusieurs agoras.", "", None),
    # --- article 6: two compatible changes on disjoint passages
    (0, "modify", 6, "Nous accueillons chaque personne, quels que soient son âge, son parcours et ses moyens, dans nos services.",
     "Ne pas oublier l'âge.", "pppppap", "retain"),
    (1, "modify", 6, "Nous accueillons chaque personne, quels que soient son parcours et ses moyens, dans nos services et nos instances.",
     "L'accueil vaut aussi pour la gouvernance.", "ppapppp", "retain"),
    # --- already answered by the collective (see ANSWERS)
    (0, "modify", 5, "Nous créons des emplois durables qui ne se délocalisent pas.", "Le mot durable compte.", "ppppppp", "retain"),
    (1, "modify", 7, "Nous prenons soin des biens communs : l'eau, la terre, l'air, les savoirs.",
     "L'air aussi est un commun.", "pppppcp", "retain"),
    (2, "modify", 9, "Nous demandons des financements stables.", "Plus court.", "cccpcac", ("reject", "Trop général : on perd les conventions pluriannuelles.")),
    (0, "modify", 10, "Nous demandons que les marchés publics réservent une part croissante aux structures de l'ESS.",
     "Une trajectoire.", "ppcppap", "retain"),
    ("online", "modify", 10, "Nous demandons que les marchés publics réservent une part croissante aux structures de l'ESS.",
     "Comme à Lille.", "", None),
    # --- the rest: positions taken, waiting for the collective
    (0, "modify", 1, "L'économie sociale et solidaire réunit des organisations qui placent la personne et la planète avant le capital.",
     "L'écologie dès le premier article.", "ppppccp", "retain"),
    (0, "insert", 3, "Nous formons nos membres à la décision collective.", "La démocratie s'apprend.", "pappppa", "retain"),
    (0, "modify", 8, "Nous demandons une place pour l'ESS dans chaque stratégie publique.", "Plus large.", "cpccapc",
     ("reject", "La précision « développement économique » compte pour les régions.")),
    (0, "delete", 3, "", "Redondant avec l'article 1.", "ccccpcc", ("reject", "L'agora tient à cet article.")),
    (1, "modify", 1, "L'économie sociale et solidaire réunit des organisations qui placent la personne avant le profit.",
     "Capital est ambigu.", "ppcpcpa", "retain"),
    (1, "modify", 5, "Nous créons des emplois de qualité qui ne se délocalisent pas.", "La qualité de l'emploi.", "ppppapp", "retain"),
    (1, "modify", 9, "Nous demandons des financements stables, fondés sur des conventions d'au moins trois ans.",
     "Chiffrer.", "pppppcp", "retain"),
    (1, "insert", 7, "Nous mesurons notre impact social et écologique et le rendons public.", "Rendre des comptes.", "papcpap", "retain"),
    (2, "modify", 3, "Nous croyons que la démocratie ne s'arrête ni à la porte de l'entreprise ni à celle de l'association.",
     "Toutes les formes.", "ppappcp", "retain"),
    (2, "modify", 8, "Nous demandons une place pour l'ESS dans chaque stratégie publique de développement économique et social.",
     "Et social.", "pppppap", "retain"),
    (2, "modify", 7, "Nous prenons soin des biens communs.", "Sans liste, qui exclut toujours.", "cacpccc",
     ("reject", "La liste rend le texte concret.")),
    (2, "insert", 10, "Nous demandons un droit à l'expérimentation pour les territoires zéro chômeur.", "Un exemple qui marche.", "pppcppp", "retain"),
    (2, "modify", 1, "L'ESS réunit des organisations qui placent la personne avant le capital.", "Le sigle suffit.", "", None),
    ("online", "modify", 9, "Nous demandons des financements stables et simples à obtenir.", "Moins de paperasse.", "", None),
    ("online", "insert", 7, "Nous ouvrons nos données et nos outils quand c'est possible.", "Communs numériques.", "", None),
]

# The collective's earlier answers: (index in PROPOSALS, outcome, text or reason, related index)
ANSWERS = [
    (9, Outcome.INTEGRATED, None, None),
    (10, Outcome.INTEGRATED_MODIFIED, "Nous prenons soin des biens communs : l'eau, l'air, la terre et les savoirs.", None),
    (11, Outcome.SET_ASIDE, "Le collectif garde les conventions pluriannuelles, demandées par deux agoras.", None),
    (12, Outcome.SET_ASIDE, "Une part fixe est plus lisible pour les acheteurs publics ; la trajectoire sera précisée dans le plaidoyer.", None),
    (13, Outcome.DUPLICATE, None, 12),
]


@dataclass
class CollectiveDemo:
    manifesto: Manifesto
    agoras: list[Agora] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)


def _user(username: str, first_name: str, password: str):
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(password)
        user.save()
    return user


def load(*, organiser, facilitator, password: str) -> CollectiveDemo:
    editor = _user("redaction", "Rachida", password)
    logins = [f"redaction / {password} (collectif de rédaction du « {TITLE} »)"]
    manifesto = Manifesto.objects.filter(slug=COLLECTIVE_SLUG).first()
    if manifesto is None:
        manifesto = _build(organiser=organiser, facilitator=facilitator, editor=editor)
    agoras = list(Agora.objects.filter(manifesto=manifesto).order_by("is_online_space", "starts_at"))
    return CollectiveDemo(manifesto=manifesto, agoras=agoras, logins=logins)


def _build(*, organiser, facilitator, editor) -> Manifesto:
    manifesto = text_services.create_manifesto(
        actor=organiser, title=TITLE, slug=COLLECTIVE_SLUG, preamble=PREAMBLE, decision_mode=DecisionMode.COLLECTIVE
    )
    for title, texts in SECTIONS:
        section = text_services.add_section(actor=organiser, manifesto=manifesto, title=title)
        for text in texts:
            text_services.add_clause(actor=organiser, section=section, text=text, reason="Texte de départ")
    text_services.add_collective_member(actor=organiser, manifesto=manifesto, member=editor)
    text_services.add_collective_member(actor=organiser, manifesto=manifesto, member=organiser)

    now = timezone.now()
    sessions = []
    for slug, title, departement, region, days_ago in AGORAS:
        starts = (now - timedelta(days=days_ago)).replace(hour=18, minute=0, second=0, microsecond=0)
        agora = agora_services.create_agora(
            actor=organiser, manifesto=manifesto, title=title, slug=slug, starts_at=starts,
            ends_at=starts + timedelta(hours=3), departement=departement, region=region,
            venue=f"Maison de l'ESS, {title.removeprefix('Agora de ')}",
        )
        agora.facilitators.add(facilitator)
        sessions.append((agora_services.open_session(actor=facilitator, agora=agora), facilitator))
    online = agora_services.open_online_proposals(actor=organiser, manifesto=manifesto)

    amendments = _debate(manifesto, sessions, online, organiser)
    for session, moderator in sessions:
        agora_services.close_session(actor=moderator, session=session)
    _answer(amendments, editor)
    agora_services.close_online_proposals(actor=organiser, manifesto=manifesto)
    return manifesto


def _debate(manifesto, sessions, online, organiser) -> list[Amendment]:
    """Every agora proposes, votes and takes positions; the online space only proposes."""
    participants = {}
    for index, (session, _moderator) in enumerate(sessions):
        agora_services.set_phase(actor=_moderator, session=session, phase=Phase.PROPOSALS)
        participants[index] = [
            Actor(participant=agora_services.join(session=session, display_name=name, ess_family=family,
                                                  organisation=f"{family.replace('_', ' ').capitalize()} de {session.agora.departement}"))
            for name, family in zip(NAMES[:7], FAMILIES[:7])
        ]
    participants["online"] = [
        Actor(participant=agora_services.join(session=online, display_name=name, ess_family=family))
        for name, family in (("Awa", "association"), ("Bruno", "cooperative"))
    ]
    made = []
    for number, (where, kind, article, text, justification, _votes, _position) in enumerate(PROPOSALS):
        session = online if where == "online" else sessions[where][0]
        author = participants[where][number % len(participants[where])]
        clause = manifesto.clauses.get(number=article)
        made.append(services.propose_amendment(
            actor=author, session=session, kind=kind, clause=clause,
            section=clause.section if kind == AmendmentKind.INSERT else None, text=text, justification=justification,
        ))
    for index, (session, moderator) in enumerate(sessions):
        agora_services.set_phase(actor=moderator, session=session, phase=Phase.SUPPORTS)
    for amendment, (where, *_rest, votes, _position) in zip(made, PROPOSALS):
        for voter, letter in zip(participants[where], votes):
            value = {"p": "pour", "c": "contre", "a": "abstention"}[letter]
            services.set_support(actor=voter, amendment=amendment, value=value)
    for amendment, (where, *_rest, position) in zip(made, PROPOSALS):
        if position is None:
            continue
        moderator = Actor(user=sessions[where][1])
        if position == "retain":
            services.accept_amendment(actor=moderator, amendment=amendment)
        else:
            services.reject_amendment(actor=moderator, amendment=amendment, reason=position[1])
    return made


def _answer(amendments: list[Amendment], editor) -> None:
    """The collective's earlier answers, recorded as the desk records them."""
    for index, outcome, words, related in ANSWERS:
        amendment = selectors.with_relations().get(pk=amendments[index].pk)
        label = f"n° {amendment.number} ({amendment.agora.title})"
        clause = None
        if outcome in (Outcome.INTEGRATED, Outcome.INTEGRATED_MODIFIED):
            current = Clause.objects.get(pk=amendment.clause_id)
            verb = "intégré" if outcome == Outcome.INTEGRATED else "intégré avec modification"
            clause = text_services.apply_clause_text(
                actor=editor, clause=current, text=words or amendment.text, expected_revision=current.revision,
                reason=f"Amendement {label} {verb} par le collectif de rédaction ({editor.first_name})",
            )
            amendment.applied_clause, amendment.applied_revision = clause, clause.revision
        outcomes.give_outcome(
            amendment, user=editor, outcome=outcome, final=True, clause=clause,
            reason=words if outcome == Outcome.SET_ASIDE else "",
            related=amendments[related] if related is not None else None,
        )
        track(amendment, actor=editor, reason=f"Réponse du collectif de rédaction : {amendment.get_outcome_display()}").save()
        record_event(
            manifesto_id=amendment.manifesto_id,
            type="amendment.outcome_given",
            data={
                "amendment": selectors.public_data(amendment),
                "session_id": amendment.session_id,
                "clause_id": clause.pk if clause else None,
                "revision": clause.revision if clause else None,
            },
        )
