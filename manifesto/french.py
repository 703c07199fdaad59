"""French grammar the interface's sentences need around names and stage names.

French is the source language: « de » before a name elides before a vowel or a mute h (« d'Inès »,
« d'Hugo », « de Paul »), and the words said of a stage agree with its name (« Agoras terminées »,
« Synthèse terminée »). The translations say it their own way (« by Inès », "finished").
"""

import unicodedata

from django.utils.functional import lazy
from django.utils.translation import pgettext

_VOWELS = frozenset("aeiou")


def _plain(letter: str) -> str:
    """The letter without its accent, lower case: "É" → "e"."""
    return unicodedata.normalize("NFKD", letter)[:1].lower()


def elides(name: str) -> bool:
    """Whether « de » elides before `name`: a vowel or an h (taken as mute: « d'Hélène »), or
    a y said as a vowel (« d'Yves », but « de Yanis »)."""
    name = (name or "").strip()
    if not name:
        return False
    first = _plain(name[0])
    if first in _VOWELS or first == "h":
        return True
    if first == "y":
        return len(name) > 1 and _plain(name[1]) not in _VOWELS
    return False


def de(name: str) -> str:
    """ « de Paul », « d'Inès »: the author of something, in the active language ("by Inès")."""
    if elides(name):
        return pgettext("de + nom élidé", "d'%(name)s") % {"name": name}
    return pgettext("de + nom", "de %(name)s") % {"name": name}


# The same, evaluated later (inside manifesto.services.in_site_language, for records).
de_lazy = lazy(de, str)

