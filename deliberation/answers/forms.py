from django import forms
from django.utils.translation import gettext_lazy as _

from manifesto.models import DecisionMode


class DecisionModeForm(forms.Form):
    decision_mode = forms.ChoiceField(label=_("Qui décide du texte ?"), choices=DecisionMode.choices, widget=forms.RadioSelect)


class AddMemberForm(forms.Form):
    account = forms.CharField(
        label=_("Nom d'utilisateur·rice ou adresse électronique"),
        max_length=254,
        help_text=_("Les membres du collectif ont besoin d'un compte pour se connecter au bureau de rédaction."),
    )
