"""The shape every importer produces: an optional title, then parts holding articles.

Plain data that goes to the session between the preview and the confirmation (`as_data` /
`from_data`), checked against the limits here so that every format obeys the same ones.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manifesto.errors import InvalidInput
from manifesto.services import MAX_CLAUSE_LENGTH, MAX_TITLE_LENGTH, normalise_text

# Beyond this a file is not a draft but something else (a whole code, a spreadsheet pasted):
# writing it would take minutes and a preview nobody can read.
MAX_ARTICLES = 1000
MAX_PARTS = 200


class DraftError(InvalidInput):
    """The draft cannot be imported; the sentence says why. Nothing was written."""


@dataclass
class Part:
    title: str
    articles: list[str] = field(default_factory=list)


@dataclass
class Draft:
    parts: list[Part]
    title: str = ""

    @property
    def article_count(self) -> int:
        return sum(len(part.articles) for part in self.parts)

    def as_data(self) -> dict:
        return {"title": self.title, "parts": [{"title": p.title, "articles": list(p.articles)} for p in self.parts]}

    @classmethod
    def from_data(cls, data: dict) -> "Draft":
        return cls(title=data.get("title", ""), parts=[Part(p["title"], list(p["articles"])) for p in data["parts"]])


def checked(draft: Draft) -> Draft:
    """The draft with empty parts dropped, or DraftError naming the first problem."""
    draft.parts = [part for part in draft.parts if part.articles]
    count = draft.article_count
    if count == 0:
        raise DraftError(
            _(
                "Aucun article n'a été trouvé : le brouillon doit contenir au moins un paragraphe de texte "
                "(les titres deviennent des parties, les paragraphes des articles)."
            )
        )
    if count > MAX_ARTICLES:
        raise DraftError(
            _("Le brouillon compte %(count)d articles ; %(max)d au plus peuvent être importés en une fois.")
            % {"count": count, "max": MAX_ARTICLES}
        )
    if len(draft.parts) > MAX_PARTS:
        raise DraftError(
            _("Le brouillon compte %(count)d parties ; %(max)d au plus peuvent être importées en une fois.")
            % {"count": len(draft.parts), "max": MAX_PARTS}
        )
    number = 0
    for part in draft.parts:
        if len(part.title) > MAX_TITLE_LENGTH:
            raise DraftError(
                _("Le titre de partie « %(start)s… » dépasse %(max)d caractères.")
                % {"start": part.title[:40], "max": MAX_TITLE_LENGTH}
            )
        for text in part.articles:
            number += 1
            if len(text) > MAX_CLAUSE_LENGTH:
                raise DraftError(
                    _("L'article %(number)d (« %(start)s… ») dépasse %(max)d caractères : découpez-le en plusieurs paragraphes.")
                    % {"number": number, "start": text[:40], "max": MAX_CLAUSE_LENGTH}
                )
    if len(draft.title) > MAX_TITLE_LENGTH:
        draft.title = ""  # a title that cannot be one is only not offered; the parts are what matters
    return draft


def summary(draft: Draft) -> str:
    parts = ngettext("%(count)d partie", "%(count)d parties", len(draft.parts)) % {"count": len(draft.parts)}
    articles = ngettext("%(count)d article", "%(count)d articles", draft.article_count) % {"count": draft.article_count}
    return _("%(parts)s, %(articles)s") % {"parts": parts, "articles": articles}


def clean_line(text: str) -> str:
    """One paragraph's text as an article holds it: NFC, single spaces inside lines."""
    return "\n".join(" ".join(line.split()) for line in normalise_text(text).split("\n")).strip()
