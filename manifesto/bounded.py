"""Whole numbers (and search words) read from a URL, a query string or a form, bounded before
they reach the database.

Anyone can type `?theme=9223372036854775808` or post an id of forty digits. SQLite cannot bind a
Python int past 2^63 - 1 (OverflowError), PostgreSQL's OFFSET and LIMIT refuse it, and Django
guards only its plain integer lookups (`pk=`, `number__gt=`), not `__in`, foreign keys or
slices. So every number taken from a request goes through `parse_int` (or a form field below)
first, and a number outside the range is treated like any other word that is not a number.

`str.isdigit()` is not the check either: it says yes to "²" (which `int()` refuses) and to
other scripts' digits (which `int()` reads). Only ASCII digits are numbers here.

Lives in manifesto, the base app, so that agora and deliberation can use it too.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

# The largest integer both databases store (PostgreSQL bigint, SQLite INTEGER): every id fits.
MAX_DB_INT = 2**63 - 1
# The largest a PositiveIntegerField holds on PostgreSQL (integer): numbers, revisions, counts.
MAX_INT = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # 19 digits hold MAX_DB_INT; more cannot be in range


def parse_int(raw, *, minimum: int = 1, maximum: int = MAX_DB_INT, default=None):
    """`raw` (text from a request) as an int in [minimum, maximum], else `default`."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return default
    return value if minimum <= value <= maximum else default


def parse_ids(values) -> list[int]:
    """The ids among `values` (a request's list of values); anything else is left out."""
    ids = (parse_int(value) for value in values)
    return [value for value in ids if value is not None]


def query_text(raw, *, max_length: int = 200) -> str:
    """Words typed into a filter or a search box (a query string, not a form): without control
    characters (PostgreSQL refuses a NUL in any text it is given) and at most `max_length` long."""
    text = raw if isinstance(raw, str) else ""
    return "".join(char for char in text[: max_length * 2] if char >= " " and char != "\x7f")[:max_length]


def truncated(value, length: int = 30) -> str:
    """A value typed by someone, short enough to quote back in a sentence."""
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


class BoundedIntegerField(forms.IntegerField):
    """An IntegerField that always has bounds: a positive integer a PositiveIntegerField stores,
    unless the form says less (Django's IntegerField has no bound of its own)."""

    def __init__(self, *, min_value=1, max_value=MAX_INT, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class _BoundedChoices:
    """Refuse a value that cannot be an id before the choice's query is built with it."""

    def _refuse_unless_id(self, value):
        key = self.to_field_name or "pk"
        if key == "pk" and value not in self.empty_values and parse_int(value, minimum=-MAX_DB_INT - 1) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": truncated(value)}
            )


class BoundedModelChoiceField(_BoundedChoices, forms.ModelChoiceField):
    def to_python(self, value):
        self._refuse_unless_id(value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(_BoundedChoices, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        for item in values:
            self._refuse_unless_id(item)
        return super()._check_values(value)


class IdConverter:
    """`<id:pk>` in a URL: a positive database id; anything longer does not match (a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_int(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)

