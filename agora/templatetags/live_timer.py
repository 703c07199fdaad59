"""The countdown in words for a page read without JavaScript: the end time alone ("01:13") was
read as the time left, so the page says which it is and how long is left when it was rendered.
static/js/room.js replaces it with a live mm:ss countdown."""

import math

from django import template
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def timer_words(ends_at, now=None) -> str:
    if ends_at is None:
        return "—"
    now = now or timezone.now()
    end = time_format(timezone.localtime(ends_at), "H:i")
    if ends_at <= now:
        return _("terminé à %(end)s") % {"end": end}
    minutes = math.ceil((ends_at - now).total_seconds() / 60)
    return ngettext(
        "jusqu'à %(end)s (encore %(minutes)d minute au chargement de la page)",
        "jusqu'à %(end)s (encore %(minutes)d minutes au chargement de la page)",
        minutes,
    ) % {"end": end, "minutes": minutes}
