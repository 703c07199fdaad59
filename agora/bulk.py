"""Reading a CSV file of agoras (docs/agoras.md): one agora per row, every problem named by its line.

Reads only: `read_agoras(manifesto=..., content=...)` parses and checks a file and returns the
agoras it describes and the errors it found. The import itself is agora.services.import_agoras,
which reads the file again through this module, so nothing the browser sent back is trusted.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from manifesto.bounded import parse_int
from manifesto.signatures.territories import DEPARTEMENTS

MAX_BYTES = 512 * 1024
MAX_ROWS = 500
MAX_EMAILS_PER_ROW = 10
MAX_CAPACITY = 100_000  # seats; also keeps the number inside the database's integer

# Column → the header spellings accepted, compared without accents, case, spaces or punctuation.
COLUMNS = {
    "title": ("titre", "title", "nom", "name"),
    "departement": ("departement", "department", "dept", "dep"),
    "commune": ("commune", "ville", "town", "city", "municipality"),
    "venue": ("lieu", "adresse", "place", "venue", "address"),
    "starts_at": ("debut", "start", "starts", "startsat", "datedebut"),
    "ends_at": ("fin", "end", "ends", "endsat", "datefin"),
    "capacity": ("capacite", "capacity", "places", "jauge"),
    "facilitators": ("animateurs", "animateurrices", "animatrices", "animation", "facilitators", "facilitator"),
}
REQUIRED = ("title", "departement", "commune", "starts_at", "ends_at")
# Longest cell accepted per column (the title and the place as the agora's fields allow them).
MAX_LENGTH = {"title": 200, "departement": 80, "commune": 100, "venue": 190, "starts_at": 40, "ends_at": 40,
              "capacity": 10, "facilitators": 1000}

DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %HH%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y à %H:%M",
                "%d/%m/%Y à %Hh%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M")


def folded(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Début" and "debut " are the same header."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed.lower() if c.isalnum())


HEADERS = {folded(spelling): column for column, spellings in COLUMNS.items() for spelling in spellings}
DEPARTEMENT_NAMES = {code: name for code, name in DEPARTEMENTS}
DEPARTEMENT_BY_KEY = {**{folded(code): name for code, name in DEPARTEMENTS},
                      **{folded(name): name for _code, name in DEPARTEMENTS}}


def column_label(column: str) -> str:
    """The French header of a column, as the docs and the example file write it."""
    return {"title": "titre", "departement": "département", "commune": "commune", "venue": "lieu",
            "starts_at": "début", "ends_at": "fin", "capacity": "capacité", "facilitators": "animateurs"}[column]


@dataclass
class AgoraRow:
    line: int
    title: str
    departement: str
    commune: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    facilitators: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        """The agora's address: the place, then its town unless the place already names it."""
        if not self.venue:
            return self.commune
        if folded(self.commune) and folded(self.commune) in folded(self.venue):
            return self.venue
        return f"{self.venue}, {self.commune}"


@dataclass
class Reading:
    rows: list[AgoraRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line or None for the whole file, sentence)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def facilitator_agoras(self) -> dict[str, list[int]]:
        """Each distinct facilitator email → the lines (rows) that name it, in file order."""
        found: dict[str, list[int]] = {}
        for row in self.rows:
            for email in row.facilitators:
                found.setdefault(email, []).append(row.line)
        return found


def parse_datetime(value: str) -> datetime | None:
    """JJ/MM/AAAA HH:MM (and a few spreadsheet variants) or ISO 8601; naive times are Paris time."""
    value = " ".join(value.split())
    parsed = None
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        if len(value) <= 10:  # a date alone, ISO or not: the time is missing
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def decode(content: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, the sentence saying why the file cannot be read)."""
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return None, _(
            "Le fichier n'est pas en UTF-8 (premier caractère illisible à la ligne %(line)d) : "
            "dans votre tableur, enregistrez-le au format « CSV UTF-8 »."
        ) % {"line": line}


def _dialect(text: str):
    """The spreadsheet's dialect with the delimiter of the header line (";" from a French Excel, "," elsewhere).

    Only the delimiter is sniffed: quoting stays the standard one (a sniffed header has no quotes to learn from).
    """
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=";,").delimiter
    except csv.Error:
        # One column only: read with ";" and let the missing columns say so.
        delimiter = ";"
    return type("Dialect", (csv.excel,), {"delimiter": delimiter})


def _records(text: str, dialect):
    """(line where the record starts, cells) for every record, quoted line breaks included."""
    reader = csv.reader(io.StringIO(text), dialect)
    previous_end = 0
    for cells in reader:
        yield previous_end + 1, cells
        previous_end = reader.line_num


def read_agoras(*, manifesto, content: bytes) -> Reading:
    """Parse and check a CSV file of agoras for `manifesto`; nothing is written."""
    from agora.models import Agora

    reading = Reading()
    if len(content) > MAX_BYTES:
        reading.errors.append((None, _("Le fichier fait %(size)d Ko : la limite est de %(limit)d Ko.")
                               % {"size": -(-len(content) // 1024), "limit": MAX_BYTES // 1024}))
        return reading
    text, problem = decode(content)
    if problem:
        reading.errors.append((None, problem))
        return reading
    if not text.strip():
        reading.errors.append((None, _("Le fichier est vide.")))
        return reading
    dialect = _dialect(text)
    try:
        records = list(_records(text, dialect))
    except csv.Error as exc:
        reading.errors.append((None, _("Le fichier n'est pas un CSV lisible : %(reason)s.") % {"reason": exc}))
        return reading

    header_line, header = records[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = HEADERS.get(folded(name))
        if column is None:
            if name.strip():
                reading.ignored_columns.append(name.strip())
        elif column in columns:
            reading.errors.append((header_line, _("La colonne « %(name)s » apparaît deux fois.") % {"name": name.strip()}))
        else:
            columns[column] = index
    missing = [column_label(c) for c in REQUIRED if c not in columns]
    if missing:
        reading.errors.append((header_line, _("Colonnes manquantes : %(names)s. La première ligne doit nommer les colonnes "
                                              "titre, département, commune, lieu, début, fin, capacité, animateurs.")
                               % {"names": ", ".join(missing)}))
        return reading

    data = [(line, cells) for line, cells in records[1:] if any(c.strip() for c in cells)]
    if not data:
        reading.errors.append((None, _("Le fichier ne contient aucune agora sous sa ligne d'en-tête.")))
        return reading
    if len(data) > MAX_ROWS:
        reading.errors.append((None, _("Le fichier décrit %(count)d agoras : la limite est de %(limit)d par import. "
                                       "Découpez-le en plusieurs fichiers.") % {"count": len(data), "limit": MAX_ROWS}))
        return reading

    existing = {folded(t) for t in Agora.objects.filter(manifesto=manifesto).values_list("title", flat=True)}
    seen_titles: dict[str, int] = {}
    for line, cells in data:
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]  # trailing empty cells, as spreadsheets write them
        if len(cells) > len(header):
            reading.errors.append((line, _("Cette ligne a %(cells)d cellules et l'en-tête %(columns)d : une cellule qui "
                                           "contient le séparateur (%(delimiter)s) doit être entre guillemets.")
                                   % {"cells": len(cells), "columns": len(header), "delimiter": dialect.delimiter}))
            continue
        title, row = _read_row(line, cells, columns, reading.errors)
        key = folded(title)
        if not key:
            continue
        if key in existing:
            reading.errors.append((line, _("Une agora de ce texte s'appelle déjà « %(title)s ».") % {"title": title}))
        elif key in seen_titles:
            reading.errors.append((line, _("Le titre « %(title)s » est déjà celui de la ligne %(other)d.")
                                   % {"title": title, "other": seen_titles[key]}))
        else:
            seen_titles[key] = line
            if row is not None:
                reading.rows.append(row)
    reading.errors.sort(key=lambda e: (e[0] or 0))
    return reading


def _read_row(line: int, cells: list[str], columns: dict[str, int], errors: list) -> tuple[str, AgoraRow | None]:
    """(the row's title, the agora it describes or None when the row has an error, each appended to `errors`)."""
    def cell(column: str) -> str:
        index = columns.get(column)
        return " ".join(cells[index].split()) if index is not None and index < len(cells) else ""

    before = len(errors)

    def error(message: str) -> None:
        errors.append((line, message))

    values = {column: cell(column) for column in COLUMNS}
    for column, value in values.items():
        if len(value) > MAX_LENGTH[column]:
            error(_("La cellule « %(column)s » fait %(length)d caractères : %(limit)d au plus.")
                  % {"column": column_label(column), "length": len(value), "limit": MAX_LENGTH[column]})
            values[column] = None  # reported once, not again as empty or malformed
    for column in REQUIRED:
        if values[column] == "":
            error(_("La cellule « %(column)s » est vide.") % {"column": column_label(column)})
    values = {column: value or "" for column, value in values.items()}

    departement = ""
    if values["departement"]:
        departement = DEPARTEMENT_BY_KEY.get(folded(values["departement"]), "")
        if not departement and values["departement"].isdigit() and len(values["departement"]) == 1:
            departement = DEPARTEMENT_NAMES.get("0" + values["departement"], "")  # "1" for "01", as spreadsheets write it
        if not departement:
            error(_("Département inconnu : « %(value)s ». Indiquez son numéro (59, 2A, 974) ou son nom (Nord).")
                  % {"value": values["departement"]})

    times = {}
    for column in ("starts_at", "ends_at"):
        if values[column]:
            times[column] = parse_datetime(values[column])
            if times[column] is None:
                error(_("La date « %(value)s » (%(column)s) n'est pas lisible : écrivez JJ/MM/AAAA HH:MM, "
                        "par exemple 14/03/2026 18:30.") % {"value": values[column], "column": column_label(column)})
    starts_at, ends_at = times.get("starts_at"), times.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        error(_("La fin (%(end)s) n'est pas après le début (%(start)s).")
              % {"end": values["ends_at"], "start": values["starts_at"]})

    capacity = None
    if values["capacity"]:
        # parse_int reads ASCII digits only: "²".isdigit() is true and int("²") raises.
        number = parse_int(values["capacity"], minimum=0)
        if number is not None and 0 < number <= MAX_CAPACITY:
            capacity = number
        elif number is not None and number > MAX_CAPACITY:
            error(_("La capacité « %(value)s » dépasse %(limit)s places.")
                  % {"value": values["capacity"], "limit": f"{MAX_CAPACITY:,}".replace(",", " ")})
        else:
            error(_("La capacité « %(value)s » n'est pas un nombre entier de places supérieur à zéro.")
                  % {"value": values["capacity"]})

    emails = []
    for raw in values["facilitators"].replace(";", ",").split(","):
        email = raw.strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            error(_("Adresse e-mail d'animateur·rice mal formée : « %(value)s ».") % {"value": raw.strip()})
            continue
        if email not in emails:
            emails.append(email)
    if len(emails) > MAX_EMAILS_PER_ROW:
        error(_("%(count)d animateur·rices pour une agora : %(limit)d au plus.")
              % {"count": len(emails), "limit": MAX_EMAILS_PER_ROW})

    if len(errors) > before:
        return values["title"], None
    return values["title"], AgoraRow(line, values["title"], departement, values["commune"], values["venue"],
                                     starts_at, ends_at, capacity, emails)
