from django import forms
from django.utils.translation import gettext_lazy as _

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import slugify

from manifesto.bounded import BoundedIntegerField, BoundedModelChoiceField
from manifesto.models import EssFamily, Manifesto

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


class OnlineJoinForm(JoinForm):
    """Joining the online space: no code, the page's address says which session."""

    code = None


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organisation = forms.CharField(label=_("Organisation (facultatif)"), max_length=200, required=False)
    ess_family = forms.ChoiceField(label=_("Famille de l'ESS (facultatif)"), choices=FAMILY_CHOICES, required=False)
    accessibility_needs = forms.CharField(label=_("Besoins d'accessibilité (facultatif)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(
        label=_("J'accepte que ces informations soient utilisées pour organiser l'agora et transmises à son équipe d'animation."))


MAX_FACILITATORS = 50


class AgoraForm(forms.Form):
    manifesto = BoundedModelChoiceField(label=_("Manifeste"), queryset=Manifesto.objects.none())
    title = forms.CharField(label=_("Titre"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    departement = forms.CharField(label=_("Département"), max_length=80, required=False)
    region = forms.CharField(label=_("Région"), max_length=80, required=False)
    venue = forms.CharField(label=_("Adresse du lieu"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Lien en ligne"), required=False, assume_scheme="https")
    host_organisation = forms.CharField(label=_("Structure d'accueil"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    capacity = BoundedIntegerField(label=_("Capacité (nombre de places ; vide : sans limite)"), required=False)
    facilitators = forms.CharField(
        label=_("Animateur·rices (identifiants ou adresses e-mail, un par ligne)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, manifestos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manifesto"].queryset = manifestos

    def clean_facilitators(self):
        names = [n.strip() for n in self.cleaned_data["facilitators"].replace(",", "\n").splitlines() if n.strip()]
        # One query per name, each an email's length at most (SQLite refuses a longer LIKE pattern).
        if len(names) > MAX_FACILITATORS:
            raise forms.ValidationError(_("Nommez au plus %(max)d animateur·rices.") % {"max": MAX_FACILITATORS})
        too_long = [name for name in names if len(name) > 254]
        if too_long:
            raise forms.ValidationError(_("Un identifiant ou une adresse compte au plus 254 caractères."))
        users, unknown = [], []
        for name in names:
            user = get_user_model().objects.filter(Q(username=name) | Q(email__iexact=name)).first()
            (users.append(user) if user else unknown.append(name))
        if unknown:
            raise forms.ValidationError(_("Comptes inconnus : %(names)s.") % {"names": ", ".join(unknown)})
        return users

    def slug(self) -> str:
        from agora.models import Agora

        base = slugify(self.cleaned_data["title"])[:70] or "agora"
        slug, n = base, 1
        while Agora.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class AgoraImportForm(forms.Form):
    """The CSV file of agoras (docs/agoras.md); its size is checked before it is read."""

    file = forms.FileField(label=_("Fichier CSV des agoras"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def clean_file(self):
        from agora.bulk import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier fait %(size)d Ko : la limite est de %(limit)d Ko.")
                % {"size": -(-upload.size // 1024), "limit": MAX_BYTES // 1024})
        return upload.read()


WHEN_CHOICES = [("", _("À venir et passées")), ("a-venir", _("À venir")), ("passees", _("Passées"))]


class AgendaFilterForm(forms.Form):
    """The agenda's filters: a GET form, so a filtered agenda is a link and works without JavaScript."""

    departement = forms.CharField(label=_("Département"), required=False)
    quand = forms.ChoiceField(label=_("Quand"), choices=WHEN_CHOICES, required=False)
    du = forms.DateField(label=_("Du"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label=_("Au"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, departements: list[str], **kwargs):
        from agora.bulk import DEPARTEMENT_BY_KEY, folded
        from manifesto.signatures.territories import DEPARTEMENTS

        super().__init__(*args, **kwargs)
        codes = {name: code for code, name in DEPARTEMENTS}
        self.known = {folded(value): value for value in departements}
        self.by_key = DEPARTEMENT_BY_KEY
        self.folded = folded
        labelled = sorted(((codes.get(v, "~"), v) for v in departements))
        self.fields["departement"].widget = forms.Select(choices=[("", _("Tous"))] + [
            (value, f"{code} — {value}" if code != "~" else value) for code, value in labelled])

    def clean_departement(self):
        """A département of the agenda, by its name as stored or by its number (59, 2A)."""
        value = " ".join(self.cleaned_data["departement"].split())
        if not value:
            return ""
        key = self.folded(value)
        found = self.known.get(key) or self.known.get(self.folded(self.by_key.get(key, "")))
        if found is None:
            raise forms.ValidationError(_("Aucune agora de l'agenda n'est dans ce département."))
        return found

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du") and cleaned.get("au") and cleaned["au"] < cleaned["du"]:
            self.add_error("au", _("La date de fin de la recherche est avant sa date de début."))
        return cleaned
