"""What a file must be before any parser opens it: its announced format, not encrypted, no
macros, within the size limit, not a zip bomb, no DTD in its XML. Each refusal is DraftError
with a sentence; nothing is written.

DOCX and ODT are zip archives. Python's zipfile never unpacks more than a member's declared
size, so adding the declared sizes bounds what the parsers will unpack; the ratio test refuses
members that claim to grow far more than text does. XML parts that declare a DTD are refused,
so no entity (external or expanding) reaches lxml, whatever its parser options.
"""

import io
import posixpath
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from manifesto.drafting.structure import DraftError

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
# Encrypted OOXML (a password-protected .docx) and the old .doc format are OLE compound files.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100  # text XML compresses 5 to 20 times; a bomb, thousands of times
RATIO_FLOOR = 1024 * 1024  # small members may compress very well without harm
MAX_MEMBERS = 5000
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def max_bytes() -> int:
    return settings.DRAFT_IMPORT_MAX_BYTES


def size_sentence() -> str:
    return _("Le fichier dépasse la taille autorisée de %(max)s : il n'a pas été lu.") % {"max": filesizeformat(max_bytes())}


def check_size(size: int) -> None:
    if size > max_bytes():
        raise DraftError(size_sentence())


def unreadable(kind: str) -> DraftError:
    return DraftError(
        _("Ce fichier %(format)s n'a pas pu être lu : il est peut-être endommagé. Ouvrez-le et enregistrez-le de nouveau, puis réessayez.")
        % {"format": kind.upper() if kind != "markdown" else "Markdown"}
    )


def format_of(name: str) -> str:
    lowered = (name or "").lower()
    if lowered.endswith(".docx"):
        return "docx"
    if lowered.endswith(".odt"):
        return "odt"
    if lowered.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lowered.endswith((".docm", ".dotm")):
        raise DraftError(_macros())
    raise DraftError(
        _("Ce format n'est pas pris en charge : choisissez un fichier Markdown (.md), Word (.docx) ou OpenDocument (.odt).")
    )


def _not_the_format(kind: str) -> str:
    names = {"docx": _("un document Word (.docx)"), "odt": _("un document OpenDocument (.odt)")}
    return _("Ce fichier n'est pas %(format)s, contrairement à ce que dit son nom : il n'a pas été lu.") % {"format": names[kind]}


def _encrypted() -> str:
    return _(
        "Ce fichier est protégé par un mot de passe (chiffré) ou enregistré dans un ancien format : "
        "enregistrez-le sans mot de passe au format .docx ou .odt, puis réessayez."
    )


def _macros() -> str:
    return _("Ce fichier contient des macros : par précaution, il n'est pas lu. Enregistrez-le sans macros (.docx ou .odt), puis réessayez.")


def decoded_text(data: bytes) -> str:
    """A Markdown file's text: UTF-8 (with or without its byte-order mark), with no binary bytes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftError(
            _("Ce fichier n'est pas du texte en UTF-8 : enregistrez-le en Markdown ou en texte brut (UTF-8), puis réessayez.")
        ) from None
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        raise DraftError(_("Ce fichier n'est pas un fichier texte : il contient des données binaires."))
    return text


def _archive(data: bytes, kind: str) -> zipfile.ZipFile:
    if data.startswith(OLE_MAGIC):
        raise DraftError(_encrypted())
    if not data.startswith(ZIP_MAGIC):
        raise DraftError(_not_the_format(kind))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DraftError(_not_the_format(kind)) from None
    if len(members) > MAX_MEMBERS:
        raise DraftError(_bomb())
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DraftError(_bomb())
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise DraftError(_bomb())
        if member.flag_bits & 0x1:  # zip-level encryption
            raise DraftError(_encrypted())
    return archive


def _bomb() -> str:
    return _(
        "Ce fichier se décompresse en bien plus de données que n'en contient un texte (plus de %(max)s, ou de façon anormale) : "
        "par précaution, il n'a pas été lu."
    ) % {"max": filesizeformat(MAX_UNPACKED_BYTES)}


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (KeyError, zipfile.BadZipFile, RuntimeError, ValueError, OSError, NotImplementedError):
        raise DraftError(_("Ce fichier n'a pas pu être lu : l'archive est endommagée.")) from None


def _refuse_dtds(archive: zipfile.ZipFile, names: list[str]) -> None:
    for name in names:
        content = _read(archive, name)
        if b"\x00" in content[:200]:  # UTF-16 XML: look at its characters, not its bytes
            content = content.decode("utf-16", errors="ignore").encode("utf-8")
        if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
            raise DraftError(
                _("Ce fichier contient des déclarations XML (DTD) qu'un traitement de texte n'écrit pas : par précaution, il n'a pas été lu.")
            )


def _xml_members(archive: zipfile.ZipFile) -> list[str]:
    return [n for n in archive.namelist() if n.lower().endswith((".xml", ".rels")) and not n.endswith("/")]


def check_docx(data: bytes) -> None:
    archive = _archive(data, "docx")
    names = archive.namelist()
    lowered = {name.lower() for name in names}
    if "[content_types].xml" not in lowered or "word/document.xml" not in lowered:
        raise DraftError(_not_the_format("docx"))
    content_types = _read(archive, next(n for n in names if n.lower() == "[content_types].xml"))
    if any(posixpath.basename(n).lower() in ("vbaproject.bin", "vbadata.xml") for n in lowered) or DOCM_MAIN.encode() in content_types:
        raise DraftError(_macros())
    if DOCX_MAIN.encode() not in content_types:
        raise DraftError(_not_the_format("docx"))
    _refuse_dtds(archive, _xml_members(archive))


def check_odt(data: bytes) -> None:
    archive = _archive(data, "odt")
    names = archive.namelist()
    if "mimetype" not in names or _read(archive, "mimetype").strip() != ODT_MIMETYPE or "content.xml" not in names:
        raise DraftError(_not_the_format("odt"))
    if "META-INF/manifest.xml" in names and b"encryption-data" in _read(archive, "META-INF/manifest.xml"):
        raise DraftError(_encrypted())
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise DraftError(_macros())
    _refuse_dtds(archive, _xml_members(archive))


def checked_format(*, name: str, data: bytes) -> str:
    """The file's format ("markdown", "docx", "odt") once it passed every check, or DraftError."""
    kind = format_of(name)
    check_size(len(data))
    if kind == "docx":
        check_docx(data)
    elif kind == "odt":
        check_odt(data)
    else:
        if data.startswith((ZIP_MAGIC, OLE_MAGIC, b"%PDF")):
            raise DraftError(_("Ce fichier n'est pas un fichier texte (Markdown), contrairement à ce que dit son nom : il n'a pas été lu."))
        decoded_text(data)
    return kind
