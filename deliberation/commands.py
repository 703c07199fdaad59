"""Deliberation's live commands, registered with the live room (agora.registry).

Each handler parses the command's data (its shape is already validated against
manifesto.vocabulary), calls one service and returns the ack's data. Imported from
DeliberationConfig.ready().
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from agora import registry
from agora.registry import CommandContext, command
from deliberation import permissions, selectors, services
from deliberation.errors import AmendmentConflict, NotFound
from deliberation.models import Amendment
from deliberation.permissions import Actor
from manifesto.models import Clause, Section
from manifesto.services import clause_payload

PROPOSING = {"proposals"}
DISCUSSING = {"proposals", "supports"}


def actor_of(ctx: CommandContext) -> Actor:
    return Actor(user=ctx.user, participant=ctx.participant)


def _amendment(ctx: CommandContext, amendment_id) -> Amendment:
    # The services load it again with what they need (and lock it); this only checks it exists here.
    amendment = (
        Amendment.objects.select_related("session__agora")
        .filter(pk=amendment_id, manifesto_id=ctx.session.agora.manifesto_id)
        .first()
    )
    if amendment is None or not permissions.can_view_amendment(actor_of(ctx), amendment):
        raise NotFound()
    return amendment


def _clause(ctx: CommandContext, clause_id) -> Clause | None:
    if clause_id is None:
        return None
    clause = Clause.objects.filter(pk=clause_id, manifesto_id=ctx.session.agora.manifesto_id).first()
    if clause is None:
        raise NotFound(_("Cet article est introuvable."))
    return clause


def _section(ctx: CommandContext, section_id) -> Section | None:
    if section_id is None:
        return None
    section = Section.objects.filter(pk=section_id, manifesto_id=ctx.session.agora.manifesto_id).first()
    if section is None:
        raise NotFound(_("Cette partie est introuvable."))
    return section


def _ack(amendment: Amendment, ctx: CommandContext) -> dict:
    return {"amendment": selectors.data_for(amendment, actor_of(ctx))}


# ------------------------------------------------------------------------- participants


@command("amendment.propose", roles={"participant"}, phases=PROPOSING)
def propose(ctx: CommandContext, data: dict) -> dict:
    amendment = services.propose_amendment(
        actor=actor_of(ctx),
        session=ctx.session,
        kind=data["kind"],
        clause=_clause(ctx, data["clause_id"]),
        section=_section(ctx, data["section_id"]),
        text=data["text"],
        justification=data["justification"],
    )
    return _ack(amendment, ctx)


@command("amendment.edit", roles={"participant"}, phases=PROPOSING)
def edit(ctx: CommandContext, data: dict) -> dict:
    amendment = services.edit_amendment(
        actor=actor_of(ctx),
        amendment=_amendment(ctx, data["amendment_id"]),
        text=data["text"],
        justification=data["justification"],
        rebase=data["rebase"],
    )
    return _ack(amendment, ctx)


@command("amendment.withdraw", roles={"participant"}, phases=DISCUSSING)
def withdraw(ctx: CommandContext, data: dict) -> dict:
    amendment = services.withdraw_amendment(actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]))
    return _ack(amendment, ctx)


@command("support.set", roles={"participant"}, phases={"supports"})
def support(ctx: CommandContext, data: dict) -> dict:
    result = services.set_support(actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]), value=data["value"])
    return {"amendment_id": result.amendment_id, "value": result.value}


@command("comment.add", roles={"participant"}, phases=DISCUSSING)
def comment(ctx: CommandContext, data: dict) -> dict:
    result = services.add_comment(
        actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]), stance=data["stance"], text=data["text"]
    )
    return {"comment": selectors.comment_data(result)}


# ------------------------------------------------------------------------- facilitators


@command("session.show_amendment", roles={"facilitator"})
def show_amendment(ctx: CommandContext, data: dict) -> dict:
    amendment = services.show_amendment(actor=actor_of(ctx), session=ctx.session, amendment_id=data["amendment_id"])
    return {"amendment_id": amendment.pk if amendment is not None else None}


@command("session.show_amendments", roles={"facilitator"})
def show_amendments(ctx: CommandContext, data: dict) -> dict:
    shown = services.show_amendments(actor=actor_of(ctx), session=ctx.session, amendment_ids=data["amendment_ids"])
    return {"amendment_ids": [a.pk for a in shown]}


@command("session.set_join_box", roles={"facilitator"})
def set_join_box(ctx: CommandContext, data: dict) -> dict:
    return {"small": services.set_join_box(actor=actor_of(ctx), session=ctx.session, small=data["small"])}


@command("amendment.undo_accept", roles={"facilitator"})
def undo_accept(ctx: CommandContext, data: dict) -> dict:
    amendment = services.undo_acceptance(actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]))
    return _ack(amendment, ctx)


@command("amendment.accept", roles={"facilitator"})
def accept(ctx: CommandContext, data: dict) -> dict:
    try:
        acceptance = services.accept_amendment(
            actor=actor_of(ctx),
            amendment=_amendment(ctx, data["amendment_id"]),
            resolved_text=data["resolved_text"],
            expected_revision=data["expected_revision"],
        )
    except AmendmentConflict as conflict:
        # The ack of a refused command is an error; the three texts are on the conflict page.
        conflict.message = _("%(message)s Page de résolution : %(url)s") % {
            "message": conflict.message,
            "url": reverse("deliberation:accept", kwargs={"pk": data["amendment_id"]}),
        }
        raise
    deadline = services.undo_deadline(acceptance.amendment)
    return {
        "amendment": selectors.data_for(acceptance.amendment, actor_of(ctx)),
        "merged": acceptance.merged,
        "resolved": acceptance.resolved,
        # Until when amendment.undo_accept may take it back (ISO), or null.
        "undo_until": deadline.isoformat() if deadline is not None else None,
    }


@command("amendment.reject", roles={"facilitator"})
def reject(ctx: CommandContext, data: dict) -> dict:
    amendment = services.reject_amendment(
        actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]), reason=data["reason"]
    )
    return _ack(amendment, ctx)


@command("amendment.mark_duplicate", roles={"facilitator"})
def mark_duplicate(ctx: CommandContext, data: dict) -> dict:
    amendment = services.mark_duplicate(
        actor=actor_of(ctx),
        amendment=_amendment(ctx, data["amendment_id"]),
        duplicate_of=_amendment(ctx, data["duplicate_of"]),
    )
    return _ack(amendment, ctx)


@command("amendment.merge", roles={"facilitator"})
def merge(ctx: CommandContext, data: dict) -> dict:
    ids = data["amendment_ids"]  # a list of ints: checked by the vocabulary (ListOf(int))
    compromise = services.merge_amendments(
        actor=actor_of(ctx),
        amendments=[_amendment(ctx, i) for i in ids],
        text=data["text"],
        justification=data["justification"],
    )
    return _ack(compromise, ctx)


@command("amendment.hide", roles={"facilitator"})
def hide(ctx: CommandContext, data: dict) -> dict:
    amendment = services.hide_amendment(
        actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]), reason=data["reason"]
    )
    return _ack(amendment, ctx)


@command("amendment.reopen", roles={"facilitator"})
def reopen(ctx: CommandContext, data: dict) -> dict:
    amendment = services.reopen_amendment(actor=actor_of(ctx), amendment=_amendment(ctx, data["amendment_id"]))
    return _ack(amendment, ctx)


# ------------------------------------------------------------------------- snapshot


registry.live_page_part("deliberation/_live_amendments.html")
registry.live_page_part("deliberation/_projected_amendment.html")
registry.live_page_part("deliberation/_erase_me.html")
registry.live_page_part("deliberation/_console_tools.html")


def _own_supports(session_id, *, participant, is_facilitator) -> dict[int, str]:
    """The joiner's own voices (one small query), fetched in its join's database hop."""
    return selectors.own_supports(session_id, participant)


def _as_seen_by(shared: dict, own_supports, *, participant, is_facilitator: bool) -> dict:
    """The shared amendments as this person may see them: the same rules as `data_for` and
    `visible`, decided on the preloaded amendments (no query: this runs in the event loop)."""
    actor = Actor(participant=participant)
    own_supports = own_supports or {}
    amendments = []
    for row in shared["rows"]:
        amendment = row["amendment"]
        mine = permissions.is_author(actor, amendment)
        if row["hidden"] and not (is_facilitator or permissions.can_view_amendment(actor, amendment)):
            continue
        full = row["hidden"] and (is_facilitator or mine or permissions.can_moderate(actor, amendment))
        amendments.append({**(row["full"] if full else row["public"]), **row["extra"],
                           "own_support": own_supports.get(amendment.pk), "mine": mine})
    return {"clauses": shared["clauses"], "sections": shared["sections"], "proposals": shared["proposals"],
            "amendments": amendments}


@registry.snapshot_part("amendments", personal=_own_supports, combine=_as_seen_by)
def shared_amendments(session) -> dict:
    """Every amendment of the session, public and full views, built once per seq per process
    and shared by everyone who joins meanwhile (docs/realtime.md, "Joining")."""
    amendments = selectors.amendments_for_session(session, None, as_moderator=True)
    ids = [a.pk for a in amendments]
    comments = selectors.comments_by_amendment(ids)
    breakdowns = selectors.support_breakdowns(ids)
    nobody = Actor()
    rows = []
    for a in amendments:
        public = selectors.data_for(a, nobody)
        rows.append({
            "amendment": a,  # author and session preloaded (with_relations): permissions need no query
            "hidden": public["hidden"],
            "public": public,
            "full": selectors.data_for(a, nobody, as_moderator=True) if public["hidden"] else public,
            "extra": {
                "totals": {"pour": a.total_pour, "contre": a.total_contre, "abstention": a.total_abstention},
                "needs_review": selectors.needs_review(a),
                "comments": comments.get(a.pk, []),
                "by_family": breakdowns.get(a.pk, {}),
            },
        })
    return {
        "clauses": [clause_payload(c) for c in selectors.clauses_in_scope(session)],
        "sections": [{"id": s.pk, "title": s.title} for s in selectors.sections_in_scope(session)],
        "proposals": selectors.proposal_conditions(session),
        "rows": rows,
    }


def amendments_snapshot(session, *, participant, is_facilitator: bool) -> dict:
    """The session's amendments as this person may see them, their totals and their own voices."""
    return _as_seen_by(shared_amendments(session), _own_supports(session.pk, participant=participant,
                                                                 is_facilitator=is_facilitator),
                       participant=participant, is_facilitator=is_facilitator)
