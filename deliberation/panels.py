"""Deliberation's panel on manifesto's clause page: the clause's amendments, by state."""

from django.template.loader import render_to_string

from deliberation.models import AmendmentState
from deliberation.selectors import clause_panel_groups
from manifesto.extensions import clause_panel


@clause_panel
def clause_amendments(request, clause) -> str:
    labels = dict(AmendmentState.choices)
    groups = clause_panel_groups(clause, request.user)
    return render_to_string(
        "deliberation/_clause_amendments.html",
        {"groups": [(labels.get(state, state), count, amendments) for state, count, amendments in groups]},
        request=request,
    )
