"""Forms of the adoption vote: the rules, the roll import, and the ballot (works without JavaScript)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.adoption import selectors
from deliberation.adoption.models import BallotChoice, Majority
from deliberation.adoption.services import Rules
from manifesto.bounded import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from manifesto.signatures.forms import AccessibleForm

MAX_ROLL_BYTES = 2 * 1024 * 1024


class RulesForm(AccessibleForm):
    title = forms.CharField(label=_("Intitulé du vote"), max_length=200, initial=_("Adoption du manifeste"))
    closes_at = forms.DateTimeField(
        label=_("Clôture du vote"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    majority = forms.ChoiceField(label=_("Majorité requise"), choices=Majority.choices, initial=Majority.SIMPLE)
    quorum_percent = forms.IntegerField(
        label=_("Quorum (% des voix inscrites qui doivent participer)"), min_value=0, max_value=100, initial=0
    )
    per_article = forms.BooleanField(label=_("Voter aussi article par article"), required=False)

    def rules(self) -> Rules:
        data = self.cleaned_data
        return Rules(
            title=data["title"],
            closes_at=data["closes_at"],
            per_article=data["per_article"],
            majority=data["majority"],
            quorum_percent=data["quorum_percent"],
        )


class NewVoteForm(RulesForm):
    version = BoundedModelChoiceField(label=_("Version soumise au vote"), queryset=None, empty_label=None)

    field_order = ["version", "title", "closes_at", "majority", "quorum_percent", "per_article"]

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = manifesto.versions.order_by("-number")
        self.fields["version"].label_from_instance = lambda v: f"{v.number} — {v.label} ({v.fingerprint[:12]}…)"


class RollImportForm(AccessibleForm):
    file = forms.FileField(
        label=_("Fichier CSV de la liste électorale"),
        required=False,
        help_text=_("Colonnes : nom, email, organisation, poids (nombre de voix, 1 si vide). Séparateur virgule ou point-virgule."),
    )
    text = forms.CharField(label=_("Ou collez la liste ici"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    accept_valid_rows = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_ROLL_BYTES:
                raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                data["text"] = raw.decode("cp1252", errors="replace")  # spreadsheets on Windows
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choisissez un fichier ou collez la liste."))
        return data


class AgorasForm(AccessibleForm):
    agoras = BoundedModelMultipleChoiceField(
        label=_("Agoras dont les inscrit·es votent"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agoras"].queryset = manifesto.agoras.order_by("starts_at")


class ReceiptForm(AccessibleForm):
    code = forms.CharField(label=_("Code de reçu"), max_length=40)


class BallotForm(forms.Form):
    """One radio group per question; the version's fingerprint comes back with the ballot."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = selectors.questions(vote)
        for question in self.questions:
            self.fields[question.key] = forms.ChoiceField(
                label=question.label, choices=BallotChoice.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choisissez pour, contre ou abstention.")},
            )

    def choices(self) -> dict:
        data = self.cleaned_data
        return {
            selectors.WHOLE_TEXT: data[selectors.WHOLE_TEXT],
            "articles": {str(q.clause_number): data[q.key] for q in self.questions if q.clause_number is not None},
        }

    def rows(self):
        """(question, bound field) pairs, for the template."""
        return [(question, self[question.key]) for question in self.questions]
