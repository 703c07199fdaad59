"""The desk's live updates: the page polls the manifesto's journal (the same ordered log every
live page follows) and reloads its groups when an event concerns the desk.

Polling the journal rather than holding a websocket: the desk is read by a handful of editors,
and the journal already gives an ordered, complete record to resume from (`since`).
"""

from django.utils.translation import gettext as _

from manifesto.models import Event, Manifesto

# Events that change what the desk shows.
DESK_EVENTS = (
    "amendment.",
    "support.changed",
    "comment.added",
    "clause.",
)
MAX_EVENTS = 200


def concerns_desk(event_type: str) -> bool:
    return any(event_type == prefix or (prefix.endswith(".") and event_type.startswith(prefix)) for prefix in DESK_EVENTS)


def describe(event: Event) -> str:
    """A short sentence for screen readers (the page's aria-live region)."""
    data = event.data
    amendment = data.get("amendment") or {}
    number = amendment.get("number")
    agora = amendment.get("agora") or ""
    if event.type == "amendment.position_taken":
        return _("Nouvelle position de %(agora)s sur l'amendement n° %(number)s") % {"agora": agora, "number": number}
    if event.type == "amendment.proposed":
        return _("Nouvel amendement n° %(number)s (%(agora)s)") % {"number": number, "agora": agora}
    if event.type == "amendment.outcome_given":
        return _("Réponse donnée à l'amendement n° %(number)s") % {"number": number}
    if event.type.startswith("clause."):
        return _("Le texte a changé")
    if number is not None:
        return _("L'amendement n° %(number)s a changé") % {"number": number}
    return ""


def changes_since(manifesto: Manifesto, *, since: int) -> dict:
    """{"seq": the journal's last seq, "changed": bool, "messages": [sentence, …]} after `since`."""
    last_seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=manifesto.pk)
    if since >= last_seq:
        return {"seq": last_seq, "changed": False, "messages": []}
    events = list(Event.objects.filter(manifesto=manifesto, seq__gt=since).order_by("seq")[:MAX_EVENTS])
    relevant = [e for e in events if concerns_desk(e.type)]
    # More than MAX_EVENTS behind: the desk reloads anyway, so the seq is the journal's last.
    messages = [m for m in (describe(e) for e in relevant[-5:]) if m]
    return {"seq": last_seq, "changed": bool(relevant) or len(events) == MAX_EVENTS, "messages": messages}


def js_words() -> dict:
    return {
        "connecting": _("Connexion au direct…"),
        "online": _("En direct"),
        "offline": _("Hors ligne : la page se mettra à jour au retour du réseau."),
        "updated": _("Le bureau est à jour."),
    }
