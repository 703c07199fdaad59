from django import template
from django.utils.translation import gettext as _

from deliberation.contributions import selectors
from deliberation.contributions.forms import ContributionForm
from manifesto import stages

register = template.Library()

LIVE_LIMIT = 30


@register.inclusion_tag("contributions/_live_list.html", takes_context=True)
def live_contributions(context, session):
    """The room's panel of contributions: shown while the manifesto's stage takes contributions,
    or when some exist; the form only for participants while posting is allowed."""
    manifesto = session.agora.manifesto
    rows = selectors.browse(manifesto, selectors.Filters(sort="recent"))[:LIVE_LIMIT]
    staged = stages.stages_of(manifesto)
    # Without stages the room stays as it was (no panel) unless contributions exist.
    can_post = bool(staged) and stages.is_allowed(manifesto, "contribution.post", stages=staged)
    return {
        "session": session,
        "manifesto": manifesto,
        "role": context.get("role"),
        "rows": rows,
        "show": can_post or bool(rows),
        "can_post": can_post and context.get("role") == "participant",
        "can_support": stages.is_allowed(manifesto, "contribution.support", stages=staged) and context.get("role") == "participant",
        "form": ContributionForm(manifesto=manifesto, auto_id="live-contribution-%s") if can_post else None,
        "csrf_token": context.get("csrf_token"),
        # The words contributions.js writes, translated here (it fills the %(...)s itself).
        "words": {
            "totals": _("Pour : %(pour)s · Contre : %(contre)s · Abstention : %(abstention)s"),
            "posted": _("Nouvelle contribution : %(title)s"),
        },
    }
