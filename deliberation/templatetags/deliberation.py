from django import template
from django.utils.html import json_script

from deliberation.words import js_words

register = template.Library()


@register.simple_tag
def deliberation_words(agora=None):
    """The translated words of deliberation.js, as <script type="application/json" id="deliberation-words">;
    with the agora, the words of its manifesto's decision mode."""
    return json_script(js_words(agora), "deliberation-words")


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
