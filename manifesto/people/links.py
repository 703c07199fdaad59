"""The "Personnes" link of a text, for its organisers: in the text's navigation and on the home
page's dashboards (manifesto.extensions). Loaded from ManifestoConfig.ready."""

from django.urls import reverse
from django.utils.translation import gettext as _

from manifesto.extensions import dashboard_links, nav_link
from manifesto.people.permissions import can_manage_people


def _people_link(request, manifesto):
    if request is None or not can_manage_people(request.user, manifesto):
        return None
    return (_("Personnes"), reverse("people:people", kwargs={"slug": manifesto.slug}))


@dashboard_links
def people_dashboard(request, manifesto) -> list[tuple[str, str]]:
    link = _people_link(request, manifesto)
    return [link] if link else []


nav_link(_people_link)
