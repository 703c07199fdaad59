"""The desk's forms: which amendments an action is about, the editor's wording, a public reason."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from manifesto.bounded import BoundedIntegerField, parse_int
from manifesto.services import MAX_CLAUSE_LENGTH

from deliberation.editorial.services import MAX_REASON_LENGTH

MAX_IDS = 200


class AmendmentIdsField(forms.CharField):
    """ "12,31,44": the ids of the amendments an action is about (a group is answered at once)."""

    def to_python(self, value):
        value = super().to_python(value)
        parts = [part for part in value.replace(" ", "").split(",") if part]
        ids = [parse_int(part) for part in parts[: MAX_IDS + 1]]
        # An id must be one the database can hold: past 2^63 - 1 it is refused like a word.
        if not ids or len(ids) > MAX_IDS or None in ids:
            raise ValidationError(_("Choisissez les amendements concernés."))
        return ids


class ActionForm(forms.Form):
    ids = AmendmentIdsField(widget=forms.HiddenInput)


class SetAsideForm(ActionForm):
    reason = forms.CharField(
        label=_("Motif (public)"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez un motif : il sera public.")},
    )


class WordingForm(ActionForm):
    text = forms.CharField(
        label=_("Rédaction du collectif"),
        max_length=MAX_CLAUSE_LENGTH,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Laissez vide pour supprimer l'article."),
    )
    expected_revision = BoundedIntegerField(widget=forms.HiddenInput, required=False, min_value=1)
