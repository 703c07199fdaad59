"""Deliberation's dashboards of a text, listed on the home page for its organisers and its
editorial collective (manifesto.extensions.dashboard_links): the editorial desk, the
collective's settings, and the exports."""

from django.urls import reverse
from django.utils.translation import gettext as _

from manifesto.extensions import dashboard_links
from manifesto.spreadsheet import french_url
from manifesto.permissions import is_collective_member, is_organiser


@dashboard_links
def deliberation_dashboards(request, manifesto) -> list[tuple[str, str]]:
    slug = {"slug": manifesto.slug}
    links = []
    if is_collective_member(request.user, manifesto):
        links.append((_("Bureau de rédaction"), reverse("editorial:desk", kwargs=slug)))
    if is_organiser(request.user, manifesto):
        links.append((_("Collectif de rédaction"), reverse("deliberation_answers:collective", kwargs=slug)))
        links.append((_("Export des amendements (CSV)"), reverse("publishing:amendments_csv", kwargs=slug)))
        links.append((_("Export des positions des agoras (CSV)"), reverse("publishing:positions_csv", kwargs=slug)))
        # The same tables for spreadsheets set to French (`;` between cells): manifesto.spreadsheet.
        links.append((_("Export des amendements (CSV pour tableur en français)"), french_url(reverse("publishing:amendments_csv", kwargs=slug))))
        links.append((_("Export des positions des agoras (CSV pour tableur en français)"), french_url(reverse("publishing:positions_csv", kwargs=slug))))
        links.append((_("Texte en PDF"), reverse("publishing:text_pdf", kwargs=slug)))
    return links
