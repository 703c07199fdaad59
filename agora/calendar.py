"""An agora as an iCalendar event (RFC 5545), for calendars: the .ics page and the emails' attachment."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agora.models import Agora

CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(agora: Agora) -> str:
    """Stable per agora (its id and this site's host): a calendar updates the event instead of adding a copy."""
    host = urlsplit(settings.SITE_URL).hostname or "coecrire"
    return f"agora-{agora.pk}@{host}"


def filename(agora: Agora) -> str:
    return f"agora-{agora.slug}.ics"


def agora_calendar(agora: Agora) -> bytes:
    url = settings.SITE_URL + agora.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", "-//Coécrire//Agoras//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(agora))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", agora.starts_at.astimezone(UTC))
    event.add("dtend", agora.ends_at.astimezone(UTC))
    event.add("summary", agora.title)
    where = ", ".join(part for part in (agora.venue, agora.departement) if part)
    if where or agora.online_url:
        event.add("location", where or agora.online_url)
    lines = [agora.description.strip()] if agora.description.strip() else []
    if agora.online_url:
        lines.append(_("En ligne : %(url)s") % {"url": agora.online_url})
    lines.append(_("Détails et inscription : %(url)s") % {"url": url})
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()
