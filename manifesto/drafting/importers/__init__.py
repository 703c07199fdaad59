"""Read a draft from an uploaded file or a typed text: the file is checked first
(manifesto.drafting.checks), then the reader of its format lists its blocks."""

from manifesto.drafting import checks
from manifesto.drafting.importers import docx_reader, markdown_reader, odt_reader
from manifesto.drafting.outline import build
from manifesto.drafting.structure import Draft

READERS = {"markdown": markdown_reader.blocks, "docx": docx_reader.blocks, "odt": odt_reader.blocks}


def from_file(*, name: str, data: bytes) -> Draft:
    """The draft in the file, or DraftError with the sentence that says what is wrong."""
    kind = checks.checked_format(name=name, data=data)
    payload = checks.decoded_text(data) if kind == "markdown" else data
    try:
        blocks = READERS[kind](payload)
    except checks.DraftError:
        raise
    except Exception as error:  # a reader's own failure on a damaged file
        raise checks.unreadable(kind) from error
    return build(blocks)


def from_typed(text: str) -> Draft:
    """A draft typed in the form: the same convention as Markdown ("# Partie", blank lines between articles)."""
    return build(markdown_reader.blocks(text))
