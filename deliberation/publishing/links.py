"""Where people look for the publications: the manifesto's navigation (its figures page) and an
agora's page (its report, its printable booklet). Registered through the extension points of
manifesto and agora, which never import deliberation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from agora import registry as agora_registry
from manifesto.extensions import nav_link


def figures_link(request, manifesto):
    return (_("En chiffres"), reverse("publishing:figures", kwargs={"slug": manifesto.slug}))


def agora_documents(request, agora) -> list[tuple[str, str]]:
    slug = agora.slug
    return [
        (_("Bilan de l'agora"), reverse("deliberation_answers:report", kwargs={"slug": slug})),
        (_("Bilan (PDF)"), reverse("publishing:report_pdf", kwargs={"slug": slug})),
        (_("Liasse des amendements à imprimer (PDF)"), reverse("publishing:booklet_pdf", kwargs={"slug": slug})),
    ]


def register() -> None:
    nav_link(figures_link)
    agora_registry.agora_links(agora_documents)
