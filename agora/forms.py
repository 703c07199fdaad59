from django import forms
from django.utils.translation import gettext_lazy as _

from manifesto.models import EssFamily

FAMILY_CHOICES = [("", _("— (facultatif)"))] + list(EssFamily.choices)


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Code de la séance"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "inputmode": "text"}))
    display_name = forms.CharField(label=_("Votre nom affiché"), max_length=60,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation = forms.CharField(label=_("Organisation (facultatif)"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    ess_family = forms.ChoiceField(label=_("Famille de l'ESS (facultatif)"), choices=FAMILY_CHOICES, required=False)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organisation = forms.CharField(label=_("Organisation (facultatif)"), max_length=200, required=False)
    ess_family = forms.ChoiceField(label=_("Famille de l'ESS (facultatif)"), choices=FAMILY_CHOICES, required=False)
    accessibility_needs = forms.CharField(label=_("Besoins d'accessibilité (facultatif)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(
        label=_("J'accepte que ces informations soient utilisées pour organiser l'agora et transmises à son équipe d'animation."))
