"""Forms of the signing pages: phone-first, usable without JavaScript, errors tied to their fields."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from manifesto.bounded import BoundedIntegerField, BoundedModelChoiceField
from manifesto.models import ManifestoVersion, SignatureKind
from manifesto.models.signatures import SIGNATURE_FAMILY_CHOICES
from manifesto.signatures import validation
from manifesto.signatures.services import SignatureInput
from manifesto.signatures.territories import TERRITORY_CHOICES


class SharedChoiceField(forms.ChoiceField):
    """A ChoiceField whose (constant) choices are shared between form instances.

    Every form instance deep-copies its fields; for the 100-odd départements that copy was
    the largest CPU cost of the signing request.
    """

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class AccessibleForm(forms.Form):
    """Ties each field's errors and help text to it (aria-describedby) and flags it (aria-invalid)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                described = [f"id_{name}_errors"]
                if self.fields[name].help_text:
                    described.append(f"id_{name}_help")
                widget.attrs["aria-describedby"] = " ".join(described)
                widget.attrs["aria-invalid"] = "true"


class SignatureForm(AccessibleForm):
    kind = SharedChoiceField(
        label=_("Je signe"), choices=SignatureKind.choices, widget=forms.RadioSelect, initial=SignatureKind.PERSON
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    role = forms.CharField(
        label=_("Titre ou fonction (facultatif)"),
        max_length=150,
        required=False,
        help_text=_("Pour une organisation : votre fonction (présidente, directeur, co-gérante…)."),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    organisation_name = forms.CharField(
        label=_("Nom de l'organisation"), max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    family = SharedChoiceField(
        label=_("Famille de l'ESS / forme juridique"), choices=[("", "—")] + SIGNATURE_FAMILY_CHOICES, required=False
    )
    siren = forms.CharField(
        label=_("SIREN (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("9 chiffres ; nous vérifions la clé de contrôle."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    territory = SharedChoiceField(label=_("Département"), choices=[("", "—")] + TERRITORY_CHOICES)
    email = forms.CharField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("Pour confirmer votre signature ; elle n'est jamais publiée."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    entitled = forms.BooleanField(
        label=_("Je confirme être habilité·e à signer au nom de cette organisation."), required=False
    )
    consent_public = forms.BooleanField(
        label=_("J'accepte que mon nom (ou celui de mon organisation) figure sur la liste publique des signataires."),
        required=False,
        help_text=_("Facultatif : votre signature est comptée même sans cela."),
    )
    consent_news = forms.BooleanField(label=_("J'accepte de recevoir des nouvelles de cette démarche."), required=False)
    website = forms.CharField(required=False, label=_("Ne pas remplir"))  # honeypot, hidden by CSS

    def _clean_name(self, name: str, label, *, required: bool, max_length: int = 100) -> str:
        try:
            return validation.clean_name(
                self.cleaned_data.get(name, ""), field_label=str(label), required=required, max_length=max_length
            )
        except ValidationError as error:
            self.add_error(name, error)
            return ""

    def clean_email(self):
        return validation.clean_email(self.cleaned_data.get("email", ""))

    def clean_siren(self):
        return validation.clean_siren(self.cleaned_data.get("siren", ""))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        organisation = kind == SignatureKind.ORGANISATION
        data["first_name"] = self._clean_name("first_name", self.fields["first_name"].label, required=True)
        data["last_name"] = self._clean_name("last_name", self.fields["last_name"].label, required=True)
        data["role"] = self._clean_name("role", _("Titre ou fonction"), required=False, max_length=150)
        if organisation:
            data["organisation_name"] = self._clean_name(
                "organisation_name", self.fields["organisation_name"].label, required=True, max_length=200
            )
            if not data.get("family"):
                self.add_error("family", _("Choisissez la famille de l'ESS de l'organisation."))
            if not data.get("entitled"):
                self.add_error("entitled", _("Cochez cette case pour signer au nom de l'organisation."))
        return data

    def signature_input(self) -> SignatureInput:
        data = self.cleaned_data
        organisation = data["kind"] == SignatureKind.ORGANISATION
        return SignatureInput(
            kind=data["kind"],
            email=data["email"],
            territory=data["territory"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            organisation_name=data.get("organisation_name", "") if organisation else "",
            family=data.get("family", "") if organisation else "",
            siren=data.get("siren", "") if organisation else "",
            organisation_key=validation.organisation_key(siren=data.get("siren", ""), name=data.get("organisation_name", ""))
            if organisation
            else "",
            entitled=bool(data.get("entitled")) if organisation else False,
            consent_public=bool(data.get("consent_public")),
            consent_news=bool(data.get("consent_news")),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ResendForm(AccessibleForm):
    email = forms.CharField(label=_("Adresse électronique"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self):
        return validation.clean_email(self.cleaned_data.get("email", ""))


class ReceiptForm(AccessibleForm):
    code = forms.CharField(label=_("Code de reçu"), max_length=40, help_text=_("12 caractères, par exemple ABCD-EFGH-JKLM."))


class FreezeForm(AccessibleForm):
    label = forms.CharField(label=_("Libellé de la version"), max_length=120, initial=_("Texte final"))


class CampaignForm(AccessibleForm):
    version = BoundedModelChoiceField(label=_("Version finale"), queryset=ManifestoVersion.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Ouverture (facultatif, maintenant par défaut)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Clôture prévue (facultatif)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    goal = BoundedIntegerField(label=_("Objectif de signatures (facultatif)"), required=False, min_value=1)

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = manifesto.versions.order_by("-number")


class InvalidationForm(AccessibleForm):
    email_domain = forms.CharField(label=_("Domaine d'adresse électronique"), required=False, max_length=200, help_text=_("Par exemple : exemple.com"))
    ip_network = forms.CharField(label=_("Plage d'adresses IP"), required=False, max_length=60, help_text=_("Par exemple : 192.0.2.0/24"))
    since = forms.DateTimeField(label=_("Signées à partir de"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    until = forms.DateTimeField(label=_("Signées avant"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    confirm = forms.BooleanField(label=_("Invalider les signatures correspondantes"), required=False)

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "email_domain": data.get("email_domain", ""),
            "ip_network": data.get("ip_network", ""),
            "since": data.get("since"),
            "until": data.get("until"),
        }


class EraseForm(AccessibleForm):
    email = forms.CharField(label=_("Adresse électronique de la personne"), max_length=254)
