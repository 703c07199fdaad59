from django import template

register = template.Library()


@register.filter
def has_field_errors(form) -> bool:
    """True when a field (not only the form as a whole) has an error to correct."""
    return any(name != "__all__" for name in form.errors)
