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
