"""The registry through which apps hand their live commands to the consumer.

`agora` never imports `deliberation`: deliberation registers its handlers here (from its
AppConfig.ready) and the consumer looks them up by command type.

    @command("amendment.propose", roles={"participant"}, phases={"proposals"})
    def propose(ctx: CommandContext, data: dict) -> dict: ...

A handler calls one service and returns the data of the ack (a dict); it raises a
manifesto.errors.ServiceError (translated message, code) to refuse. The command's payload
shape is declared in manifesto.vocabulary and validated before the handler runs.
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = {"participant", "facilitator"}


@dataclass(frozen=True)
class CommandContext:
    session: "object"  # agora.models.LiveSession
    user: "object | None"  # the authenticated user (a facilitator), if any
    participant: "object | None"  # agora.models.Participant, if the client is one
    is_facilitator: bool


@dataclass(frozen=True)
class CommandSpec:
    type: str
    handler: Callable[[CommandContext, dict], dict]
    roles: frozenset
    phases: frozenset | None  # None: allowed in every phase


_registry: dict[str, CommandSpec] = {}


def command(command_type: str, *, roles: set[str], phases: set[str] | None = None):
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def register(handler):
        if command_type in _registry and _registry[command_type].handler is not handler:
            raise ValueError(f"command {command_type!r} is registered twice")
        _registry[command_type] = CommandSpec(
            command_type, handler, frozenset(roles), frozenset(phases) if phases is not None else None
        )
        return handler

    return register


def lookup(command_type: str) -> CommandSpec | None:
    return _registry.get(command_type)


def registered() -> dict[str, CommandSpec]:
    return dict(_registry)


# ---------------------------------------------------------------- snapshot parts
#
# The snapshot sent on connect (or when a client is too far behind) is
# {"type": "snapshot", "seq": <last seq>, "data": {"session": ..., <name>: fn(...), ...}}.
# Each app adds the state it owns, in the plain form (built for each joiner):
#
#     @snapshot_part("queue")
#     def queue(session, *, participant, is_facilitator) -> dict: ...
#
# A part is called in a thread where the ORM may be used; it returns JSON-ready data and shows
# a person only what their role may see.

#
# A part that is costly and mostly the same for everyone splits in three, so that a room
# filling up builds it once per seq per process rather than once per joiner (docs/realtime.md,
# "Joining"):
#
#     @snapshot_part("amendments", personal=own_supports, combine=as_seen_by)
#     def amendments(session) -> object: ...          # shared: everyone's, once per seq
#     def own_supports(session_id, *, participant, is_facilitator): ...   # per joiner, cheap query
#     def as_seen_by(shared, personal, *, participant, is_facilitator) -> dict: ...  # no database
#
# `combine` must not query the database (it runs in the event loop) and must not mutate
# `shared` (every joiner of the process reuses it).


@dataclass(frozen=True)
class SnapshotPart:
    shared: Callable | None  # (session) -> object; None for a part built per joiner
    personal: Callable | None  # (session_id, *, participant, is_facilitator) -> object
    combine: Callable | None  # (shared, personal, *, participant, is_facilitator) -> JSON-ready
    per_joiner: Callable | None = None  # the plain form: (session, *, participant, is_facilitator)

    def build(self, session, *, participant, is_facilitator):
        """The part for one person, built from scratch (tests, and parts without a shared piece)."""
        if self.per_joiner is not None:
            return self.per_joiner(session, participant=participant, is_facilitator=is_facilitator)
        return self.assemble(
            self.shared(session),
            self.fetch(session.pk, participant=participant, is_facilitator=is_facilitator),
            participant=participant, is_facilitator=is_facilitator,
        )

    def fetch(self, session_id, *, participant, is_facilitator):
        if self.personal is None:
            return None
        return self.personal(session_id, participant=participant, is_facilitator=is_facilitator)

    def assemble(self, shared, personal, *, participant, is_facilitator):
        if self.combine is None:
            return shared
        return self.combine(shared, personal, participant=participant, is_facilitator=is_facilitator)


_snapshot_parts: dict[str, SnapshotPart] = {}


def snapshot_part(name: str, *, personal: Callable | None = None, combine: Callable | None = None):
    """Register a part. Without `personal`/`combine`, the decorated function is either shared by
    everyone as it is (`shared=True` style: it takes only the session) or, in the plain form
    (session, *, participant, is_facilitator), built per joiner."""

    def register(fn):
        if name in _snapshot_parts and fn not in (_snapshot_parts[name].shared, _snapshot_parts[name].per_joiner):
            raise ValueError(f"snapshot part {name!r} is registered twice")
        if personal is None and combine is None and _takes_a_person(fn):
            _snapshot_parts[name] = SnapshotPart(shared=None, personal=None, combine=None, per_joiner=fn)
        else:
            _snapshot_parts[name] = SnapshotPart(shared=fn, personal=personal, combine=combine)
        return fn

    return register


def _takes_a_person(fn) -> bool:
    import inspect

    return "participant" in inspect.signature(fn).parameters


def snapshot_parts() -> dict[str, Callable]:
    """name -> (session, *, participant, is_facilitator) -> the part for that person."""
    return {name: part.build for name, part in _snapshot_parts.items()}


def snapshot_part_specs() -> dict[str, SnapshotPart]:
    return dict(_snapshot_parts)


# ---------------------------------------------------------------- page parts
#
# Templates that other apps add to the live room's pages (participant room, console,
# projector), inside #live-extensions, with the page's context (`session`, `role`:
# "participant" | "facilitator" | "projector", `participant`). A part may load its own
# script with <script defer src=...>: deferred scripts run before live.js starts, so their
# Live.on(...) handlers are registered in time.
#
#     live_page_part("deliberation/_live_amendments.html")

_page_parts: list[str] = []


def live_page_part(template_name: str) -> None:
    if template_name not in _page_parts:
        _page_parts.append(template_name)


def live_page_parts() -> list[str]:
    return list(_page_parts)


# ---------------------------------------------------------------- links on an agora's page
#
# Links that other apps add to an agora's public page (its report, its printable booklet):
# fn(request, agora) -> list of (label, url). The page lists them under "Documents".

_agora_links: list[Callable] = []


def agora_links(fn: Callable) -> Callable:
    if fn not in _agora_links:
        _agora_links.append(fn)
    return fn


def links_for_agora(request, agora) -> list[tuple[str, str]]:
    return [link for fn in _agora_links for link in fn(request, agora)]
