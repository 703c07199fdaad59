"""Who may do what: every route of the URLconf × every role, over HTTP; every live command × role.

A refused request answers 302 (to log in), 403 or 404 and changes nothing (a fingerprint of every
table is compared before and after). GET never changes anything for anybody. Routes not listed
in PRIVATE are public: anyone may read them (their own tests say what a POST does).
"""

import hashlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agora import services as agora_services
from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.signatures import services as signature_services
from tests.factories import make_agora, make_user

ROLES = ["anonymous", "participant", "other_facilitator", "facilitator", "collective", "organiser"]
FACILITATORS = {"facilitator", "organiser"}
ORGANISERS = {"organiser"}
PARTICIPANTS = {"participant"}
COLLECTIVE = {"collective"}

# url name → the roles allowed (any method). Everything else is public.
PRIVATE = {
    "agora:create": ORGANISERS,
    "agora:online_open": ORGANISERS,
    "agora:online_close": ORGANISERS,
    "agora:console": FACILITATORS,
    "agora:control_phase": FACILITATORS,
    "agora:control_focus": FACILITATORS,
    "agora:control_timer": FACILITATORS,
    "agora:control_queue": FACILITATORS,
    "agora:control_close": FACILITATORS,
    "agora:open_session": FACILITATORS,
    "agora:registrations_csv": FACILITATORS,
    "agora:import": ORGANISERS,
    "agora:checklist_dismiss": FACILITATORS,
    "agora:hand": PARTICIPANTS,
    "deliberation:accept": FACILITATORS,
    "deliberation:reject": FACILITATORS,
    "deliberation:duplicate": FACILITATORS,
    "deliberation:hide": FACILITATORS,
    "deliberation:reopen": FACILITATORS,
    "deliberation:moderation": FACILITATORS,
    "deliberation:merge": FACILITATORS,
    "deliberation:show_on_projector": FACILITATORS,
    "deliberation:join_box": FACILITATORS,
    "deliberation:undo_accept": FACILITATORS,
    "agora:projector_article": FACILITATORS,
    "deliberation:propose": PARTICIPANTS,
    "deliberation:support": PARTICIPANTS,
    "deliberation:comment": PARTICIPANTS,
    "deliberation:edit": PARTICIPANTS,  # its author
    "deliberation:withdraw": PARTICIPANTS,  # its author
    "deliberation:erase_me": PARTICIPANTS,
    "signatures:dashboard": ORGANISERS,
    "signatures:export": ORGANISERS,
    "manifesto:freeze": ORGANISERS,
    "manifesto:edit": ORGANISERS,
    "manifesto:section_add": ORGANISERS,
    "manifesto:section_rename": ORGANISERS,
    "manifesto:section_move": ORGANISERS,
    "manifesto:clause_add": ORGANISERS,
    "manifesto:clause_edit": ORGANISERS,
    "manifesto:clause_move": ORGANISERS,
    "manifesto:clause_delete": ORGANISERS,
    "deliberation_answers:collective_mode": ORGANISERS,
    "deliberation_answers:collective_add": ORGANISERS,
    "deliberation_answers:collective_remove": ORGANISERS,
    "manifesto:stages": ORGANISERS,
    "manifesto:stage_configure": ORGANISERS,
    "manifesto:stage_close": ORGANISERS,
    "manifesto:stage_plan": ORGANISERS,
    "manifesto:stage_open": ORGANISERS,
    "manifesto:stage_skip": ORGANISERS,
    # Creating a text: superusers and holders of manifesto.add_manifesto (the world's organiser).
    "manifesto:drafting:new": ORGANISERS,
    "manifesto:drafting:new_preview": ORGANISERS,
    "manifesto:drafting:import": ORGANISERS,
    "manifesto:drafting:import_preview": ORGANISERS,
    "contributions:draft": {"collective", "organiser"},
    "contributions:set_aside": {"collective", "organiser"},
    "contributions:link": {"collective", "organiser"},
    "contributions:hide": {"facilitator", "collective", "organiser"},  # the facilitators of its agora
    "contributions:duplicate": {"facilitator", "collective", "organiser"},
    "contributions:restore": {"facilitator", "collective", "organiser"},
    "contributions:support": PARTICIPANTS,  # or a contributor whose address is confirmed
    "contributions:comment": PARTICIPANTS,
    "editorial:desk": COLLECTIVE,
    "editorial:journal": COLLECTIVE,
    "editorial:integrate": COLLECTIVE,
    "editorial:wording": COLLECTIVE,
    "editorial:set_aside": COLLECTIVE,
    "editorial:defer": COLLECTIVE,
}
# Pages anyone may open, whose form is for some roles only (the page says whom): POST is private.
POST_ONLY = {"deliberation:propose"}
REFUSED = {302, 403, 404, 405}
# Refusals of a logged-in person's action are the 403 page with its sentence; 302 only sends a
# visitor to log in first.
LOGGED_IN_REFUSED = {403, 404, 405}
# Rows that change without anyone acting on purpose: sessions, presence, rate-limit counters.
VOLATILE = {"sessions.session", "agora.connection"}


@dataclass(frozen=True, order=True)
class Route:
    pattern: str
    keys: tuple  # every converter of the full route: its prefixes' (an include under <slug:slug>/) and its own


def named_routes(resolver=None, namespace="", keys=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from named_routes(entry, inner, keys + tuple(entry.pattern.converters))
        elif isinstance(entry, URLPattern) and entry.name:
            route = Route(str(entry.pattern), keys + tuple(entry.pattern.converters))
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route


def fingerprint() -> dict:
    state = {}
    for model in apps.get_models():
        if model._meta.label_lower in VOLATILE or model._meta.app_label in {"admin", "contenttypes"}:
            continue
        rows = sorted(map(repr, model._base_manager.values_list()))
        state[model._meta.label_lower] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return state


@pytest.fixture
def world(db, manifesto, organiser, clause):
    facilitator = make_user("animatrice-matrice")
    other = make_user("animateur-ailleurs")
    member = make_user("redaction-matrice")
    manifesto.collective.add(member)
    # The organiser may also start new texts (manifesto/drafting), as an administrator grants it.
    from django.contrib.auth.models import Permission

    organiser.user_permissions.add(Permission.objects.get(codename="add_manifesto", content_type__app_label="manifesto"))
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de la matrice")
    make_agora(manifesto=manifesto, facilitators=[other], title="Agora d'ailleurs")
    session = agora_services.open_session(actor=facilitator, agora=agora)
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    participant = agora_services.join(session=session, display_name="Nadia")
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text="Autre rédaction."
    )
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Version de la matrice")
    signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
    return {
        "manifesto": manifesto, "agora": agora, "session": session, "participant": participant,
        "amendment": amendment, "clause": clause, "member": member,
        "users": {"other_facilitator": other, "facilitator": facilitator, "collective": member, "organiser": organiser},
    }


# Routes of other apps under agoras/<slug>/: the agora's report and its printable documents.
AGORA_ROUTES = {"deliberation_answers:report", "deliberation_answers:report_feed", "publishing:booklet_pdf", "publishing:report_pdf"}


def kwargs_for(name: str, route: Route, world) -> dict:
    namespace = name.split(":")[0]
    values = {}
    for key in route.keys:
        if key == "slug":
            on_agora = namespace == "agora" or name in AGORA_ROUTES
            values[key] = world["agora"].slug if on_agora else world["manifesto"].slug
        elif key == "pk":
            values[key] = world["amendment"].pk if namespace == "deliberation" else world["session"].pk
        elif key == "session_pk":
            values[key] = world["session"].pk
        elif key == "number":
            values[key] = world["clause"].number
        elif key == "section_id":
            values[key] = world["clause"].section_id
        elif key == "user_id":
            values[key] = world["member"].pk
        elif key == "manifesto_slug":
            values[key] = world["manifesto"].slug
        elif key == "code":
            values[key] = world["session"].code
        else:
            values[key] = "x" * 43
    return values


def client_for(role: str, world) -> Client:
    client = Client()
    if role == "participant":
        client.post(reverse("agora:join_code", kwargs={"code": world["session"].code}), {"display_name": "Nadia bis"})
        # Act as the author of the world's amendment: bind this browser to that participant.
        from agora.services import remember_participant

        session = client.session
        remember_participant(session, world["participant"])
        session.save()
    elif role != "anonymous":
        client.force_login(world["users"][role])
    return client


# Probes for the proxy and the monitoring: tested in tests/ops/ (readyz's database check runs in
# a thread of its own, which cannot see this test's transaction).
PROBES = {"healthz", "readyz", "metrics"}
ROUTES = sorted((name, pattern) for name, pattern in named_routes() if not name.startswith("admin") and name not in PROBES)


def test_every_private_route_is_named_in_the_matrix():
    names = {name for name, _pattern in ROUTES}
    assert set(PRIVATE) <= names, set(PRIVATE) - names


@pytest.mark.parametrize("role", ROLES)
def test_get_changes_nothing_and_private_pages_refuse_whoever_may_not(world, role):
    client = client_for(role, world)
    before = fingerprint()
    wrong = []
    for name, pattern in ROUTES:
        url = reverse(name, kwargs=kwargs_for(name, pattern, world))
        status = client.get(url).status_code
        if status >= 500:
            wrong.append((name, status))
        elif name in PRIVATE and name not in POST_ONLY and role not in PRIVATE[name] and status not in REFUSED:
            wrong.append((name, status))
    assert wrong == []
    assert fingerprint() == before


@pytest.mark.parametrize("role", ROLES)
def test_private_posts_are_refused_to_whoever_may_not_and_change_nothing(world, role):
    client = client_for(role, world)
    wrong = []
    for name, pattern in ROUTES:
        if name not in PRIVATE or role in PRIVATE[name]:
            continue
        url = reverse(name, kwargs=kwargs_for(name, pattern, world))
        before = fingerprint()
        status = client.post(url, {"op": "clear", "phase": "decision", "text": "x", "reason": "x", "value": "pour",
                                   "action": "open", "mode": "collective", "username": "animateur-ailleurs",
                                   "title": "x", "label": "x", "confirm": "yes"}).status_code
        # Participants' actions send anyone else to the join page (302): join first.
        joining = "participant" in PRIVATE[name]
        refused = REFUSED if role in {"anonymous", "participant"} or joining else LOGGED_IN_REFUSED
        if status not in refused or fingerprint() != before:
            wrong.append((name, status))
    assert wrong == []


# ------------------------------------------------------------------ live commands × roles


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_hub")
async def test_live_commands_are_refused_to_roles_that_may_not_and_change_nothing(
    live_session, facilitator, participant, settings
):
    from asgiref.sync import sync_to_async

    settings.LIVE_COMMANDS_PER_SECOND = 10_000  # every command in a burst: the rate limit has tests of its own

    from agora import registry
    from tests.live import command, room

    samples = {"participant_id": participant.pk, "phase": "decision", "clause_id": None, "seconds": 60}
    async with room(live_session, participant=participant) as as_participant, room(live_session, user=facilitator) as as_facilitator:
        for kind, spec in sorted(registry.registered().items()):
            for role, ws in (("participant", as_participant), ("facilitator", as_facilitator)):
                if role in spec.roles:
                    continue
                before = await sync_to_async(fingerprint)()
                reply = await command(ws, kind, {key: samples.get(key, 1) for key in _fields(kind)})
                assert reply["type"] == "error" and reply["code"] in {"forbidden", "invalid_command"}, (kind, role, reply)
                assert await sync_to_async(fingerprint)() == before, (kind, role)


def _fields(kind: str) -> list[str]:
    from manifesto.vocabulary import COMMANDS

    shape = COMMANDS.get(kind) or {}
    return list(shape) if isinstance(shape, dict) else []
