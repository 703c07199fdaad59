"""The no-JavaScript forms of deliberation. They parse input; the services decide."""

import re
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import AmendmentKind, CommentStance, SupportValue
from deliberation.services import MAX_COMMENT_LENGTH, MAX_JUSTIFICATION_LENGTH, MAX_REASON_LENGTH
from manifesto.bounded import BoundedIntegerField, BoundedModelChoiceField, BoundedModelMultipleChoiceField
from manifesto.services import MAX_CLAUSE_LENGTH


def counted(form: forms.Form, *names: str) -> None:
    """Long texts get a counter instead of the browser's `maxlength`, which cuts a long paste
    silently: the limit goes in data-maxlength (deliberation.js shows "n / max" and refuses
    before sending), and the field's max_length still refuses it on the server, text kept."""
    for name in names:
        attrs = form.fields[name].widget.attrs
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")


TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,48}$")


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ProposeForm(forms.Form):
    # One-time: the same token posted twice files one amendment (services.propose_amendment_once).
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Nature"), choices=AmendmentKind.choices, initial=AmendmentKind.MODIFY)
    clause = BoundedModelChoiceField(
        label=_("Article"),
        queryset=None,
        required=False,
        help_text=_("L'article à modifier ou à supprimer, ou celui après lequel insérer le nouvel article."),
    )
    section = BoundedModelChoiceField(
        label=_("Partie"), queryset=None, required=False, help_text=_("Pour un nouvel article à la fin d'une partie.")
    )
    text = forms.CharField(
        label=_("Texte proposé"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_CLAUSE_LENGTH,
        help_text=_("Laissez vide pour une suppression."),
    )
    justification = forms.CharField(
        label=_("Exposé des motifs"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_JUSTIFICATION_LENGTH
    )

    def __init__(self, *args, clauses, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = clauses
        self.fields["clause"].label_from_instance = lambda c: _("Article %(number)s") % {"number": c.number}
        self.fields["section"].queryset = sections
        counted(self, "text", "justification")

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        return token if TOKEN.match(token or "") else ""


class EditForm(forms.Form):
    text = forms.CharField(label=_("Texte proposé"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=MAX_CLAUSE_LENGTH)
    # Shown when the clause changed since: the author rewrites against the current text.
    rebase = forms.BooleanField(label=_("Mon texte part du texte actuel de l'article"), required=False)
    justification = forms.CharField(
        label=_("Exposé des motifs"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_JUSTIFICATION_LENGTH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self, "text", "justification")


class SupportForm(forms.Form):
    value = forms.ChoiceField(label=_("Votre position"), choices=SupportValue.choices)


class CommentForm(forms.Form):
    stance = forms.ChoiceField(label=_("Sens"), choices=CommentStance.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 2}), max_length=MAX_COMMENT_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self, "text")


class AcceptForm(forms.Form):
    # Empty on a plain acceptance; filled when the facilitator resolves a conflict.
    resolved_text = forms.CharField(
        label=_("Texte fusionné"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=MAX_CLAUSE_LENGTH,
        strip=False,
    )
    expected_revision = BoundedIntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    resolve = forms.BooleanField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=MAX_REASON_LENGTH)


class DuplicateForm(forms.Form):
    duplicate_of = BoundedIntegerField(label=_("Doublon de l'amendement n°"), min_value=1)


class MergeForm(forms.Form):
    amendments = BoundedModelMultipleChoiceField(
        label=_("Amendements à fusionner"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("Texte de compromis"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_CLAUSE_LENGTH)
    justification = forms.CharField(
        label=_("Exposé des motifs"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=MAX_JUSTIFICATION_LENGTH
    )

    def __init__(self, *args, amendments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amendments"].queryset = amendments
        self.fields["amendments"].label_from_instance = lambda a: _("n° %(number)s — %(author)s") % {
            "number": a.number,
            "author": a.author_name,
        }
