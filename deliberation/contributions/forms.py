"""The no-JavaScript forms of contributions. They parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.contributions import services
from manifesto.bounded import BoundedIntegerField
from manifesto.models import EssFamily
from manifesto.signatures.territories import TERRITORY_CHOICES

NEW_THEME = "new"


class ContributionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=services.MAX_TITLE_LENGTH)
    text = forms.CharField(label=_("Votre contribution"), widget=forms.Textarea(attrs={"rows": 6}), max_length=services.MAX_TEXT_LENGTH)
    theme = forms.ChoiceField(label=_("Thème"), help_text=_("Une partie du manifeste, ou un nouveau thème."))
    new_theme = forms.CharField(label=_("Nouveau thème"), required=False, max_length=services.MAX_THEME_LENGTH)
    clause = forms.TypedChoiceField(label=_("Article concerné (facultatif)"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifesto = manifesto
        sections = list(manifesto.sections.order_by("position", "id"))
        self.fields["theme"].choices = [(str(s.pk), s.title) for s in sections] + [(NEW_THEME, _("Un nouveau thème"))]
        self.fields["clause"].choices = [("", _("Aucun article en particulier"))] + [
            (c.number, _("Article %(number)s") % {"number": c.number})
            for c in manifesto.clauses.order_by("section__position", "position")
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        section = None
        if data["theme"] != NEW_THEME:
            section = self.manifesto.sections.filter(pk=int(data["theme"])).first()
        clause = self.manifesto.clauses.filter(number=data["clause"]).first() if data.get("clause") else None
        return {
            "title": data["title"],
            "text": data["text"],
            "section": section,
            "new_theme": data["new_theme"] if section is None else "",
            "clause": clause,
        }


class IdentityForm(forms.Form):
    display_name = forms.CharField(label=_("Votre nom (affiché)"), max_length=services.MAX_NAME_LENGTH)
    email = forms.EmailField(label=_("Votre adresse e-mail"), help_text=_("Elle n'est jamais affichée ; elle sert à confirmer que c'est bien vous."))
    organisation = forms.CharField(label=_("Organisation (facultatif)"), required=False, max_length=200)
    ess_family = forms.ChoiceField(label=_("Famille de l'ESS"), required=False, choices=[("", _("Non précisée"))] + list(EssFamily.choices))
    territory = forms.ChoiceField(label=_("Territoire"), required=False, choices=[("", _("Non précisé"))] + TERRITORY_CHOICES)
    consent = forms.BooleanField(
        label=_("J'accepte que mon nom, ma famille de l'ESS et mon territoire soient affichés avec mes contributions."),
    )

    def identity(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("display_name", "email", "organisation", "ess_family", "territory")}


class SupportForm(forms.Form):
    value = forms.ChoiceField(choices=[(v, v) for v in services.SUPPORT_VALUES])


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 3}), max_length=services.MAX_COMMENT_LENGTH)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=services.MAX_REASON_LENGTH)


class DuplicateForm(forms.Form):
    number = BoundedIntegerField(label=_("Doublon de la contribution n°"), min_value=1)


class LinkForm(forms.Form):
    clause = BoundedIntegerField(label=_("Reprise dans l'article n°"), min_value=1)


class DraftForm(forms.Form):
    """The collective writes a new article, or rewrites one, from chosen contributions."""

    contributions = forms.MultipleChoiceField(label=_("Contributions reprises"), widget=forms.CheckboxSelectMultiple)
    clause = forms.TypedChoiceField(label=_("Article à réécrire"), required=False, coerce=int, empty_value=None)
    section = forms.TypedChoiceField(label=_("Ou partie où écrire un nouvel article"), required=False, coerce=int, empty_value=None)
    text = forms.CharField(label=_("Texte de l'article"), widget=forms.Textarea(attrs={"rows": 6}))
    expected_revision = BoundedIntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, manifesto, contributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].choices = [(str(c.pk), f"n° {c.number} — {c.title}") for c in contributions]
        self.fields["clause"].choices = [("", "—")] + [
            (c.number, _("Article %(number)s") % {"number": c.number}) for c in manifesto.clauses.order_by("section__position", "position")
        ]
        self.fields["section"].choices = [("", "—")] + [(s.pk, s.title) for s in manifesto.sections.order_by("position", "id")]

    def clean(self):
        data = super().clean()
        if not data.get("clause") and not data.get("section"):
            raise forms.ValidationError(_("Choisissez l'article à réécrire, ou la partie où écrire un nouvel article."))
        if data.get("clause") and data.get("section"):
            raise forms.ValidationError(_("Choisissez soit un article à réécrire, soit une partie, pas les deux."))
        return data
