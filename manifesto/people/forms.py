"""Forms of the people pages. They shape what was typed; the services decide what is allowed."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from manifesto.people import roles


class InviteForm(forms.Form):
    """Invite one address to one or several roles. The role choices come from the registry, which
    has no "superuser" kind: no value of this form can make anyone a superuser."""

    email = forms.EmailField(label=_("Adresse électronique"), max_length=254)
    roles = forms.MultipleChoiceField(
        label=_("Rôles"), widget=forms.CheckboxSelectMultiple, required=True,
        error_messages={"required": _("Choisissez au moins un rôle.")},
    )
    agoras = forms.TypedMultipleChoiceField(
        label=_("Agoras à animer"), coerce=int, required=False,
        help_text=_("Pour le rôle d'animateur·rice : une ou plusieurs agoras (Ctrl ou Cmd pour en choisir plusieurs)."),
    )

    def __init__(self, *args, manifesto, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifesto = manifesto
        self.fields["roles"].choices = [(kind.code, kind.label) for kind in roles.all_kinds()]
        facilitator = roles.get("facilitator")
        choices = facilitator.target_choices(manifesto) if facilitator else []
        if choices:
            self.fields["agoras"].choices = choices
            self.fields["agoras"].widget.attrs["size"] = min(max(len(choices), 3), 8)
        else:
            del self.fields["agoras"]
            self.fields["roles"].choices = [(code, label) for code, label in self.fields["roles"].choices if code != "facilitator"]

    def grants(self) -> list[dict]:
        grants = []
        for code in self.cleaned_data["roles"]:
            kind = roles.get(code)
            if kind and kind.has_targets:
                grants.append({"role": code, "targets": self.cleaned_data.get("agoras") or []})
            else:
                grants.append({"role": code})
        return grants


class NewAccountForm(forms.Form):
    """A new person's account, made from an invitation; its address is the invited one."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Identifiant de connexion"), max_length=150,
        help_text=_("Celui que vous taperez pour vous connecter : lettres, chiffres et @ . + - _"),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères, pas un mot de passe courant ni seulement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Le même mot de passe, à nouveau"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return cleaned


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("Nouvelle adresse électronique"), max_length=254)
    password = forms.CharField(
        label=_("Votre mot de passe actuel"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue de l'interface"))

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, name) for code, name in settings.LANGUAGES]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LoginForm(AuthenticationForm):
    """Django's login form with its username's length enforced: Django sets the limit on the
    field after building it, so it never validates it, and an overlong name reached the login
    throttle's table (a 255-character column), which PostgreSQL refused with a 500."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
