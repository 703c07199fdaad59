from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

from deliberation.words import answer_of, js_words

register = template.Library()


@register.filter
def state_label(amendment) -> str:
    """The amendment's state in words, never « Adopté » in collective mode (outcomes.state_label)."""
    from deliberation import outcomes

    return outcomes.state_label(amendment)


@register.filter
def abstentions(count) -> str:
    """ "1 abstention", "2 abstentions" (deliberation.words.abstentions)."""
    from deliberation.words import abstentions as words

    return words(count)


@register.simple_tag
def deliberation_words(agora=None):
    """The translated words of deliberation.js, as <script type="application/json" id="deliberation-words">;
    with the agora, the words of its manifesto's decision mode."""
    return json_script(js_words(agora), "deliberation-words")


@register.simple_tag
def proposal_refusal(session):
    """Why proposing cannot work in `session` now (a sentence), or None: forms are offered only when they can work."""
    from deliberation.selectors import proposal_refusal as refusal

    return refusal(session)


@register.inclusion_tag("deliberation/_outcome.html")
def outcome(amendment, public=True, show_positions=True):
    """The public answer to a proposal (suite donnée), with a link to where it went, and the
    agora's position when one was taken. Lists pass amendments fetched with
    selectors.with_relations (outcome_clause, outcome_related) and prefetched positions."""
    from deliberation import outcomes

    link = None
    if amendment.outcome_clause_id:
        link = amendment.outcome_clause.get_absolute_url()
    elif amendment.outcome_related_id:
        link = amendment.outcome_related.get_absolute_url()
    positions = [(p, outcomes.position_note(p)) for p in amendment.positions.all()] if show_positions else []
    return {
        "a": amendment,
        "answer": outcomes.answer(amendment, public=public),
        "link": link,
        "positions": positions,
        "withdrawn": amendment.state == "withdrawn",
    }


@register.simple_tag
def projected_amendment(session):
    """What the projector shows (selectors.projected_group): `items`, one per amendment on screen
    (one, several side by side, or none), each with its family bars; the family labels; and
    whether the join box is small."""
    from deliberation import selectors
    from manifesto.models import EssFamily

    projection = selectors.projection_of(session)
    shown = selectors.projected_group(selectors.shown_group(session), session.pk)
    labels = dict(EssFamily.choices)
    items = shown["group"] or ([shown] if shown["amendment"] else [])
    for item in items:
        item["headline"] = decision_headline(item["amendment"])
        item["families"] = [
            {"code": code, "label": labels.get(code, code or _("Non précisée")), **counts, **_bar(counts)}
            for code, counts in item["by_family"].items()
        ]
    shown["items"] = items
    shown["family_labels"] = {**{code: str(label) for code, label in labels.items()}, "": _("Non précisée")}
    shown["join_small"] = bool(projection and projection.join_small)
    shown["outcome_words"] = js_words()["outcomes"]  # projector.js says an answer in the page's language
    return shown


@register.filter
def undoable(amendment) -> bool:
    """Whether a facilitator may still undo this amendment's accept (services.undo_deadline)."""
    from django.utils import timezone

    from deliberation import services

    deadline = services.undo_deadline(amendment)
    return deadline is not None and timezone.now() <= deadline


@register.simple_tag
def join_box_small(session) -> bool:
    """Whether the facilitator shrank the projector's join box."""
    from deliberation import selectors

    projection = selectors.projection_of(session)
    return bool(projection and projection.join_small)


def decision_headline(data: dict) -> str:
    """The decision on an amendment, in words for the room (static/js/projector.js says the same):
    "Adopté — article 4 modifié", "Rejeté — <motif>", "Retenu par l'agora — transmis au collectif"."""
    state, kind, number = data["state"], data["kind"], data["clause_number"]
    if state == "accepted":
        if kind == "insert":
            return _("Adopté — nouvel article ajouté")
        if kind == "delete":
            return _("Adopté — article %(number)s supprimé") % {"number": number}
        return _("Adopté — article %(number)s modifié") % {"number": number}
    if state == "retained":
        return _("Retenu par l'agora — transmis au collectif")
    if state == "rejected" and data["outcome"] != "not_retained":
        reason = data["decision_reason"]
        return _("Rejeté — %(reason)s") % {"reason": reason} if reason else _("Rejeté")
    if state == "open":
        return ""
    answer = answer_of(data)  # in the page's language; data["answer"] is the site's
    return answer[:1].upper() + answer[1:]


def _bar(counts: dict) -> dict:
    """Widths (percent) and offsets of a stacked pour / contre / abstention bar drawn in SVG
    (attributes, not inline styles: the Content-Security-Policy forbids those)."""
    total = sum(counts.values()) or 1
    pour = round(100 * counts["pour"] / total, 1)
    contre = round(100 * counts["contre"] / total, 1)
    return {"total": sum(counts.values()), "pour_w": pour, "contre_x": pour, "contre_w": contre,
            "abst_x": round(pour + contre, 1), "abst_w": round(max(0.0, 100 - pour - contre), 1)}
