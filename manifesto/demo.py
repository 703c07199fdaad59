"""Demo data for the text: a realistic French ESS manifesto draft (to be written in full)."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from manifesto import services
from manifesto.models import Manifesto

DEMO_SLUG = "manifeste-ess"
DEMO_PASSWORD = "demo-coecrire"


@dataclass
class DemoText:
    manifesto: Manifesto
    logins: list[str] = field(default_factory=list)


def _user(username: str, first_name: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": first_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = staff
        user.is_superuser = staff
        user.save()
    return user


def load() -> DemoText:
    organiser = _user("organisatrice", "Odile", staff=True)
    _user("animateur", "Karim")
    manifesto = Manifesto.objects.filter(slug=DEMO_SLUG).first()
    if manifesto is None:
        manifesto = services.create_manifesto(
            actor=organiser, title="Manifeste de la République de l'ESS", slug=DEMO_SLUG, preamble="Préambule."
        )
        section = services.add_section(actor=organiser, manifesto=manifesto, title="Nos principes")
        services.add_clause(actor=organiser, section=section, text="L'économie sociale et solidaire place l'humain avant le profit.")
    return DemoText(
        manifesto=manifesto,
        logins=[
            f"organisatrice / {DEMO_PASSWORD} (organisatrice, accès à l'administration)",
            f"animateur / {DEMO_PASSWORD} (animateur·rice)",
        ],
    )
