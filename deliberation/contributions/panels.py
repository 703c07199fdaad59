"""What contributions add to other pages: the article's "Contributions reprises" panel, the
timeline's counts, and the live room's list of contributions."""

from django.template.loader import render_to_string
from django.utils.translation import ngettext

from agora import registry
from deliberation.contributions import selectors
from manifesto import stages
from manifesto.extensions import clause_panel, nav_link


@clause_panel
def clause_contributions(request, clause) -> str:
    contributions = selectors.for_clause(clause)
    if not contributions:
        return ""
    return render_to_string(
        "contributions/_clause_contributions.html", {"contributions": contributions, "clause": clause}, request=request
    )


def contributions_output(manifesto) -> list[str]:
    c = selectors.counts(manifesto)
    return [
        ngettext("%(count)d contribution", "%(count)d contributions", c["published"]) % {"count": c["published"]},
        ngettext("%(count)d soutien", "%(count)d soutiens", c["supports"]) % {"count": c["supports"]},
    ]


def drafting_output(manifesto) -> list[str]:
    c = selectors.counts(manifesto)
    return [
        ngettext(
            "%(count)d article reprend des contributions", "%(count)d articles reprennent des contributions", c["articles"]
        ) % {"count": c["articles"]},
        ngettext("%(count)d contribution reprise", "%(count)d contributions reprises", c["taken_up"]) % {"count": c["taken_up"]},
        ngettext("%(count)d contribution écartée avec motif", "%(count)d contributions écartées avec motif", c["set_aside"]) % {"count": c["set_aside"]},
    ]


def nav_contributions(request, manifesto):
    """The manifesto's "Contributions" link, when its process takes contributions or has some."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from deliberation.contributions.models import Contribution

    staged = {stage.kind for stage in stages.stages_of(manifesto)}
    if "contributions" in staged or Contribution.objects.filter(manifesto=manifesto).exists():
        return (_("Contributions"), reverse("contributions:list", kwargs={"slug": manifesto.slug}))
    return None


def register() -> None:
    nav_link(nav_contributions)
    stages.register_output("contributions", contributions_output)
    stages.register_output("redaction", drafting_output)
    registry.live_page_part("contributions/_live_contributions.html")
