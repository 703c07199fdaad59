"""Reading a voters' roll from CSV: pure functions, no database.

Columns, named on the first line (French or English, any order): nom/name, email/courriel,
organisation (optional), poids/weight (optional, 1 when absent: the number of voices the
statutes give that voter). Comma or semicolon separated (spreadsheets in France export `;`).
Every bad row is reported with its line number; the caller decides whether to import the
good ones (only when the organiser confirms).
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from manifesto.bounded import parse_int
from manifesto.signatures.validation import clean_email

MAX_ROWS = 20_000
MAX_WEIGHT = 1_000_000
HEADERS = {
    "name": {"nom", "name", "nom complet"},
    "email": {"email", "e-mail", "courriel", "adresse électronique", "adresse e-mail", "mail"},
    "organisation": {"organisation", "organization", "structure"},
    "weight": {"poids", "weight", "voix", "nombre de voix"},
}


@dataclass(frozen=True)
class RollRow:
    line: int
    name: str
    email: str
    organisation: str
    weight: int


@dataclass
class RollReport:
    rows: list[RollRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, sentence)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_text(value: str, *, label: str, required: bool, max_length: int) -> str:
    value = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs"} for char in value):
        raise ValidationError(_("« %(field)s » contient des caractères de contrôle.") % {"field": label})
    value = " ".join(value.split())
    if required and not value:
        raise ValidationError(_("« %(field)s » est vide.") % {"field": label})
    if len(value) > max_length:
        raise ValidationError(_("« %(field)s » dépasse %(max)d caractères.") % {"field": label, "max": max_length})
    # The roll is exported again as CSV: a cell read as a formula by a spreadsheet is refused.
    if value.startswith(("=", "+", "-", "@")):
        raise ValidationError(_("« %(field)s » ne peut pas commencer par =, +, - ou @.") % {"field": label})
    return value


def _weight(value: str) -> int:
    value = (value or "").strip()
    if not value:
        return 1
    weight = parse_int(value, maximum=MAX_WEIGHT)
    if weight is None:
        raise ValidationError(_("le nombre de voix « %(value)s » doit être un entier entre 1 et %(max)d.") % {"value": value[:20], "max": MAX_WEIGHT})
    return weight


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        name = " ".join(cell.strip().lower().lstrip("\ufeff").split())
        for key, names in HEADERS.items():
            if name in names and key not in columns:
                columns[key] = index
    return columns


def _unreadable(error: csv.Error) -> str:
    # The csv module says what went wrong only in English words; the one a person meets is a cell
    # past its size limit (a whole file pasted into one cell, a stray quote that never closes).
    if "field larger than field limit" in str(error):
        return _("une cellule dépasse %(max)d caractères.") % {"max": csv.field_size_limit()}
    return _("cette ligne ne se lit pas comme une ligne de tableur.")


def _records(reader, report: RollReport):
    """(line number, cells) of each line; a line the csv module refuses is reported with its
    number and skipped, and reading goes on at the next line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.errors.append((reader.line_num, _unreadable(error)))
            continue
        yield reader.line_num, row


def parse_roll(text: str, *, existing_emails: frozenset[str] = frozenset()) -> RollReport:
    """Read the whole file; collect every good row and every bad one with its line number."""
    report = RollReport()
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        report.errors.append((1, _("Le fichier est vide.")))
        return report
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = _records(reader, report)
    header = next(records, (1, []))[1]
    if report.errors:  # the first line itself could not be read
        return report
    columns = _columns(header)
    missing = [label for key, label in (("name", "nom"), ("email", "email")) if key not in columns]
    if missing:
        report.errors.append(
            (1, _("La première ligne doit nommer les colonnes ; il manque : %(missing)s.") % {"missing": ", ".join(missing)})
        )
        return report
    seen: dict[str, int] = {}
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(report.rows) + len(report.errors) >= MAX_ROWS:
            report.errors.append((line, _("Trop de lignes : une liste compte au plus %(max)d électeur·rices.") % {"max": MAX_ROWS}))
            break

        def cell(key):
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else ""

        problems = []
        values = {}
        for key, check in (
            ("name", lambda: _clean_text(cell("name"), label=_("nom"), required=True, max_length=150)),
            ("email", lambda: clean_email(cell("email"))),
            ("organisation", lambda: _clean_text(cell("organisation"), label=_("organisation"), required=False, max_length=200)),
            ("weight", lambda: _weight(cell("weight"))),
        ):
            try:
                values[key] = check()
            except ValidationError as error:
                problems.extend(str(message) for message in error.messages)
        email = values.get("email")
        if email and email in seen:
            problems.append(_("l'adresse %(email)s figure déjà ligne %(line)d.") % {"email": email, "line": seen[email]})
        elif email and email in existing_emails:
            problems.append(_("l'adresse %(email)s est déjà sur la liste électorale.") % {"email": email})
        if problems:
            report.errors.append((line, " ; ".join(problems)))
            continue
        seen[email] = line
        report.rows.append(RollRow(line=line, **values))
    return report


def small_weight_classes(weights: list[int], *, minimum: int = 3) -> list[int]:
    """Weights held by fewer than `minimum` voters: a ballot carries its weight, so a weight held
    by one voter alone would show how that voter voted. The organiser is warned before opening."""
    counts: dict[int, int] = {}
    for weight in weights:
        counts[weight] = counts.get(weight, 0) + 1
    return sorted(weight for weight, count in counts.items() if count < minimum)
