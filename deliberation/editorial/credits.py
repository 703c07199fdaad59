"""How the collective credits amendments: "d'après les amendements n° 12, 31 et 44".

Written in the site's language: these words go into records (history reasons) that every reader
sees alike.
"""

from django.utils.translation import gettext_lazy as _lazy

from manifesto.services import in_site_language


def numbers_phrase(amendments: list) -> str:
    """ "n° 12", "n° 12 et 31", "n° 12, 31 et 44" — in the site's language (it goes into records)."""
    numbers = [str(a.number) for a in sorted(amendments, key=lambda a: a.number)]
    if len(numbers) == 1:
        return "n° " + numbers[0]
    conjunction = in_site_language(_lazy("et"))
    return "n° " + ", ".join(numbers[:-1]) + f" {conjunction} " + numbers[-1]


def credit_line(amendments: list) -> str:
    """ "d'après les amendements n° 12, 31 et 44" — shown beside an editor's wording."""
    if len(amendments) == 1:
        return in_site_language(_lazy("d'après l'amendement %(numbers)s")) % {"numbers": numbers_phrase(amendments)}
    return in_site_language(_lazy("d'après les amendements %(numbers)s")) % {"numbers": numbers_phrase(amendments)}
