from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

from deliberation.words import js_words

register = template.Library()


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
    """What the projector shows of the amendment on screen (selectors.projected), with family labels."""
    from deliberation import selectors
    from manifesto.models import EssFamily

    shown = selectors.projected(selectors.shown_amendment(session), session.pk)
    labels = dict(EssFamily.choices)
    shown["families"] = [
        {"code": code, "label": labels.get(code, code or _("Non précisée")), **counts, **_bar(counts)}
        for code, counts in shown["by_family"].items()
    ]
    shown["family_labels"] = {**{code: str(label) for code, label in labels.items()}, "": _("Non précisée")}
    return shown


def _bar(counts: dict) -> dict:
    """Widths (percent) and offsets of a stacked pour / contre / abstention bar drawn in SVG
    (attributes, not inline styles: the Content-Security-Policy forbids those)."""
    total = sum(counts.values()) or 1
    pour = round(100 * counts["pour"] / total, 1)
    contre = round(100 * counts["contre"] / total, 1)
    return {"total": sum(counts.values()), "pour_w": pour, "contre_x": pour, "contre_w": contre,
            "abst_x": round(pour + contre, 1), "abst_w": round(max(0.0, 100 - pour - contre), 1)}
