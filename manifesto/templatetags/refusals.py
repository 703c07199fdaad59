from django import template

register = template.Library()


@register.filter
def public_reason(exception) -> str:
    """The sentence an Http404 was raised with, when it was written for people: our views raise
    translated sentences; `get_object_or_404` and the URL resolver raise English words for
    developers ("No Amendment matches the given query.", "Resolver404"), which are left out."""
    text = str(exception or "")
    if not text.endswith(".") or "matches the given query" in text or text.startswith("{"):
        return ""
    return text
