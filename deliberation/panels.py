"""Deliberation's panel on manifesto's clause page: the clause's amendments, by state."""

from django.template.loader import render_to_string

from deliberation.models import AmendmentState
from deliberation.selectors import amendments_for_clause
from manifesto.extensions import clause_panel


@clause_panel
def clause_amendments(request, clause) -> str:
    groups = amendments_for_clause(clause, request.user)
    labels = dict(AmendmentState.choices)
    return render_to_string(
        "deliberation/_clause_amendments.html",
        {"groups": [(labels.get(state, state), amendments) for state, amendments in groups.items()]},
        request=request,
    )
