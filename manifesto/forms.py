"""Forms of the text pages: they parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from manifesto.bounded import BoundedIntegerField, BoundedModelChoiceField
from manifesto.services import MAX_CLAUSE_LENGTH, MAX_REASON_LENGTH, MAX_TITLE_LENGTH

REASON_HELP = _("Facultatif : une phrase qui explique la modification, gardée dans l'historique.")


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Motif"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_REASON_LENGTH)
        kwargs.setdefault("help_text", REASON_HELP)
        super().__init__(**kwargs)


class SectionTitleForm(forms.Form):
    title = forms.CharField(label=_("Titre de la partie"), max_length=MAX_TITLE_LENGTH)


class PositionField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Nouvelle position"))
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10_000)
        kwargs.setdefault("help_text", _("1 pour la première place."))
        super().__init__(**kwargs)


class SectionMoveForm(forms.Form):
    position = PositionField()


class ClauseChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, clause) -> str:
        excerpt = clause.text if len(clause.text) <= 60 else clause.text[:59] + "…"
        return _("Après l'article %(number)s — %(excerpt)s") % {"number": clause.number, "excerpt": excerpt}


class ClauseAddForm(forms.Form):
    text = forms.CharField(label=_("Texte du nouvel article"), max_length=MAX_CLAUSE_LENGTH, widget=forms.Textarea)
    after = ClauseChoiceField(
        label=_("Emplacement"), queryset=None, required=False, empty_label=_("À la fin de la partie")
    )
    reason = ReasonField()

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after"].queryset = section.clauses.order_by("position", "id")


class ClauseEditForm(forms.Form):
    text = forms.CharField(label=_("Texte de l'article"), max_length=MAX_CLAUSE_LENGTH, widget=forms.Textarea)
    reason = ReasonField()
    # The revision the editor read: the service refuses the edit if the clause moved on since.
    expected_revision = BoundedIntegerField(widget=forms.HiddenInput, min_value=1)


class ClauseMoveForm(forms.Form):
    section = BoundedModelChoiceField(label=_("Partie"), queryset=None, empty_label=None)
    position = PositionField()

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = manifesto.sections.order_by("position", "id")


class ClauseDeleteForm(forms.Form):
    reason = ReasonField()


class FreezeVersionForm(forms.Form):
    label = forms.CharField(
        label=_("Libellé de la version"),
        max_length=120,
        help_text=_("Par exemple : « Texte soumis à l'agora de Lille »."),
    )


class CompareForm(forms.Form):
    old = forms.ChoiceField(label=_("Comparer la version"))
    new = forms.ChoiceField(label=_("avec"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class StagePlanForm(forms.Form):
    opens_on = forms.DateField(label=_("Ouverture prévue"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(label=_("Clôture prévue"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise forms.ValidationError(_("La clôture prévue doit venir après l'ouverture prévue."))
        return data
