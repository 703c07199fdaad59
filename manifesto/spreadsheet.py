"""CSV downloads, in two variants (docs/publishing.md, « CSV »):

- the standard CSV: cells separated by commas, UTF-8 with a byte-order mark;
- `?tableur=fr`: the same table for spreadsheets set to French (LibreOffice, Excel), which
  split cells on semicolons (the comma is their decimal mark) and read UTF-8 only after a BOM.

Every app's export streams through `response`, so each table is offered in both.
"""

import csv

from django.http import HttpResponse, StreamingHttpResponse

FRENCH_PARAM = "tableur"
FRENCH_VALUE = "fr"


class _Echo:
    def write(self, value):
        return value


def wants_french(request) -> bool:
    return request.GET.get(FRENCH_PARAM) == FRENCH_VALUE


def lines(header: list[str], rows, *, french: bool = False):
    """The CSV's lines: BOM, header, then each row (a list of cell strings)."""
    writer = csv.writer(_Echo(), delimiter=";" if french else ",")
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def response(request, header: list[str], rows, filename: str, *, streaming: bool = True) -> HttpResponse:
    """The download, in the variant the request asks for (the French one is named
    `<name>-tableur.csv`, so the two never overwrite each other in a downloads folder); streamed
    unless `streaming` is False (a small table)."""
    french = wants_french(request)
    if french and filename.endswith(".csv"):
        filename = filename[: -len(".csv")] + "-tableur.csv"
    content = lines(header, rows, french=french)
    kind = "text/csv; charset=utf-8"
    answer = StreamingHttpResponse(content, content_type=kind) if streaming else HttpResponse("".join(content), content_type=kind)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def french_url(url: str) -> str:
    return url + ("&" if "?" in url else "?") + f"{FRENCH_PARAM}={FRENCH_VALUE}"
