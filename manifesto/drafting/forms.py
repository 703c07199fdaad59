"""Forms of the new text and of a draft's import: they parse and check; the services write.

The draft (a typed text or a file) is read here, in the form's validation, so that a bad file
is a form error like any other: a sentence next to the field, and nothing written.
"""

import datetime
import os
import unicodedata

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from manifesto import stages
from manifesto.drafting import checks, importers, services
from manifesto.drafting.structure import DraftError
from manifesto.forms import StagePlanForm
from manifesto.models import DecisionMode, Manifesto
from manifesto.services import MAX_TITLE_LENGTH, _SLUG

SLUG_LENGTH = Manifesto._meta.get_field("slug").max_length
# One line each, under the choice: what the mode means for the agoras (docs/process.md).
DECISION_MODES = [
    (
        DecisionMode.COLLECTIVE,
        _("Par le collectif de rédaction"),
        _("Plusieurs agoras prennent position ; le texte ne change que lorsque le collectif de rédaction intègre."),
    ),
    (
        DecisionMode.ROOM,
        _("En séance"),
        _("Un seul atelier écrit son texte : quand l'animation accepte un amendement, le texte change aussitôt."),
    ),
]


def source_name(upload) -> str:
    """The uploaded file's own name, as the history will show it: no folders, no control characters."""
    name = os.path.basename((upload.name or "").replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[:80]


class DraftForm(forms.Form):
    """A draft, typed or from a file; `cleaned_data["draft"]` is the parsed draft or None."""

    draft_file = forms.FileField(
        label=_("Importer un fichier"),
        required=False,
        help_text=_("Markdown (.md), Word (.docx) ou OpenDocument (.odt). Les titres deviennent des parties, les paragraphes des articles."),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,.docx,.odt"}),
    )
    draft_text = forms.CharField(
        label=_("Ou saisir le brouillon"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Une ligne « # Titre de la partie » ouvre une partie ; chaque paragraphe, séparé du suivant par une ligne vide, est un article."),
    )
    draft_required = True

    def __init__(self, *args, pending=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft read for a preview the person came back from: kept unless they give another.
        self.pending = pending
        self.fields["draft_text"].max_length = settings.DRAFT_IMPORT_MAX_BYTES

    def clean_draft_file(self):
        upload = self.cleaned_data.get("draft_file")
        if upload:
            try:
                checks.check_size(upload.size)  # before reading a byte of it
            except DraftError as error:
                raise forms.ValidationError(str(error.message)) from None
        return upload

    def clean(self):
        data = super().clean()
        upload, typed = data.get("draft_file"), (data.get("draft_text") or "").strip()
        data["draft"], data["source_name"] = None, ""
        if upload and typed:
            self.add_error("draft_file", _("Choisissez un fichier ou un brouillon saisi, pas les deux."))
            return data
        try:
            if upload:
                data["source_name"] = source_name(upload)
                data["draft"] = importers.from_file(name=upload.name or "", data=upload.read())
            elif typed:
                data["draft"] = importers.from_typed(typed)
        except DraftError as error:
            self.add_error("draft_file" if upload else "draft_text", str(error.message))
            return data
        if data["draft"] is None and self.pending and self.pending.get("draft"):
            from manifesto.drafting import pending as kept

            data["draft"], data["source_name"] = kept.draft_of(self.pending), self.pending["source_name"]
        if data["draft"] is None and self.draft_required and not self.errors:
            self.add_error("draft_file", _("Choisissez un fichier ou saisissez un brouillon."))
        return data


class NewTextForm(DraftForm):
    title = forms.CharField(
        label=_("Titre"),
        required=False,
        max_length=MAX_TITLE_LENGTH,
        help_text=_("Laissé vide, il est repris du titre du fichier importé, s'il en a un."),
    )
    slug = forms.CharField(
        label=_("Identifiant dans l'adresse"),
        required=False,
        max_length=SLUG_LENGTH,
        help_text=_("Lettres, chiffres et tirets, par exemple « manifeste-ess ». Laissé vide, il est formé à partir du titre."),
    )
    preamble = forms.CharField(label=_("Préambule"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decision_mode = forms.ChoiceField(
        label=_("Qui décide du texte"),
        choices=[(value, label) for value, label, _help in DECISION_MODES],
        initial=DecisionMode.COLLECTIVE,
        widget=forms.RadioSelect,
    )
    with_stages = forms.BooleanField(
        label=_("Conduire le processus en étapes"),
        required=False,
        help_text=_("Contributions, rédaction, agoras, synthèse, adoption, proclamation : les dates sont facultatives et se changent ensuite."),
    )
    draft_required = False
    field_order = ["title", "slug", "preamble", "decision_mode", "with_stages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        initial = self.initial.get("stage_plan", {})
        self.stage_forms = [
            (
                stages.STAGES[kind],
                StagePlanForm(
                    data,
                    prefix=f"etape-{kind}",
                    initial={"opens_on": initial.get(kind, (None, None))[0], "closes_on": initial.get(kind, (None, None))[1]},
                ),
            )
            for kind in stages.ORDER
        ]

    def decision_modes(self):
        """(radio, explanation) pairs for the template: each choice with its one line."""
        explanations = {value: help_text for value, _label, help_text in DECISION_MODES}
        return [(radio, explanations[radio.data["value"]]) for radio in self["decision_mode"]]

    def is_valid(self):
        plans_valid = all([form.is_valid() for _spec, form in self.stage_forms])
        return super().is_valid() and plans_valid

    def stage_plan(self) -> dict[str, tuple[datetime.date | None, datetime.date | None]] | None:
        if not self.cleaned_data.get("with_stages"):
            return None
        return {
            spec.kind: (form.cleaned_data.get("opens_on"), form.cleaned_data.get("closes_on"))
            for spec, form in self.stage_forms
            if form.is_valid()
        }

    def clean(self):
        data = super().clean()
        draft = data.get("draft")
        title = " ".join((data.get("title") or "").split()) or (draft.title if draft is not None else "")
        if not title:
            if not (self.has_error("draft_file") or self.has_error("draft_text")):  # one sentence at a time
                self.add_error("title", _("Donnez un titre au texte (ou importez un fichier qui en a un)."))
            return data
        data["title"] = title
        slug = (data.get("slug") or "").strip() or slugify(title)[:SLUG_LENGTH].strip("-")
        if not _SLUG.fullmatch(slug):
            self.add_error("slug", _("L'identifiant ne peut contenir que des lettres, des chiffres et des tirets."))
        elif slug in services.RESERVED_SLUGS:
            self.add_error("slug", _("L'identifiant « %(slug)s » est réservé par le site : choisissez-en un autre.") % {"slug": slug})
        elif Manifesto.objects.filter(slug=slug).exists():
            self.add_error(
                "slug",
                _("L'identifiant « %(slug)s » est déjà celui d'un autre texte : choisissez-en un autre, par exemple « %(free)s ».")
                % {"slug": slug, "free": free_slug(slug)},
            )
        data["slug"] = slug
        dated = any(form.is_valid() and any(form.cleaned_data.values()) for _spec, form in self.stage_forms)
        if dated and not data.get("with_stages"):
            self.add_error("with_stages", _("Vous avez donné des dates d'étapes : cochez cette case, ou effacez les dates."))
        return data


def free_slug(slug: str) -> str:
    base = slug[: SLUG_LENGTH - 4].rstrip("-")
    for number in range(2, 1000):
        candidate = f"{base}-{number}"
        if not Manifesto.objects.filter(slug=candidate).exists():
            return candidate
    return f"{base}-{Manifesto.objects.count() + 1}"
