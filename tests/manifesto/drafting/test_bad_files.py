"""Every bad file is refused with a sentence before any parser runs on it (docs/drafting.md, "Refusals")."""

import io
import zipfile

import pytest

from manifesto.drafting import checks
from manifesto.drafting.importers import from_file, from_typed
from manifesto.drafting.structure import DraftError
from tests.manifesto.drafting.files import docx_bytes, odt_bytes, ole_bytes, rezip


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(DraftError) as caught:
        from_file(name=name, data=data)
    return str(caught.value.message)


def test_a_text_file_named_docx_is_not_a_docx():
    assert "n'est pas un document Word (.docx)" in refusal("brouillon.docx", b"# Partie\n\nArticle.\n")


def test_an_odt_named_docx_is_not_a_docx():
    assert "n'est pas un document Word (.docx)" in refusal("brouillon.docx", odt_bytes())


def test_a_docx_named_odt_is_not_an_odt():
    assert "n'est pas un document OpenDocument (.odt)" in refusal("brouillon.odt", docx_bytes())


def test_a_zip_named_md_is_not_markdown():
    assert "n'est pas un fichier texte (Markdown)" in refusal("brouillon.md", docx_bytes())


def test_markdown_that_is_not_utf8_is_refused():
    assert "n'est pas du texte en UTF-8" in refusal("brouillon.md", "# Économie\n\nÉté.".encode("latin-1"))


def test_markdown_with_binary_bytes_is_refused():
    assert "données binaires" in refusal("brouillon.md", b"# Partie\n\nArticle\x00\x01.")


def test_an_unknown_suffix_is_refused():
    assert "Ce format n'est pas pris en charge" in refusal("brouillon.pdf", b"%PDF-1.7")


def test_an_encrypted_docx_is_refused():
    # Word saves a password-protected .docx as an OLE compound file (D0 CF 11 E0 …).
    assert "protégé par un mot de passe" in refusal("secret.docx", ole_bytes())


def test_an_encrypted_odt_is_refused():
    data = odt_bytes()
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("META-INF/manifest.xml").replace(
        b"</manifest:file-entry>", b"<manifest:encryption-data manifest:checksum-type=\"SHA1\"/></manifest:file-entry>", 1
    )
    if b"encryption-data" not in manifest:  # a self-closing first entry: add the marker beside it
        manifest = manifest.replace(b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>")
    assert "protégé par un mot de passe" in refusal("secret.odt", rezip(data, replace={"META-INF/manifest.xml": manifest}))


def test_a_docx_with_a_vba_project_is_refused():
    data = rezip(docx_bytes(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    assert "contient des macros" in refusal("macros.docx", data)


def test_a_macro_enabled_content_type_is_refused():
    data = docx_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        checks.DOCX_MAIN.encode(), checks.DOCM_MAIN.encode()
    )
    assert "contient des macros" in refusal("macros.docx", rezip(data, replace={"[Content_Types].xml": types}))


def test_a_docm_is_refused_for_its_macros():
    assert "contient des macros" in refusal("macros.docm", docx_bytes())


def test_an_odt_with_basic_macros_is_refused():
    data = rezip(odt_bytes(), add={"Basic/Standard/Module1.xml": b"<script>Sub Main</script>"})
    assert "contient des macros" in refusal("macros.odt", data)


def test_a_file_over_the_limit_is_refused_and_the_limit_is_said(settings):
    settings.DRAFT_IMPORT_MAX_BYTES = 2048
    sentence = refusal("gros.md", b"a" * 3000)
    assert "dépasse la taille autorisée de 2,0\xa0Kio" in sentence


def test_a_member_that_unpacks_a_thousand_times_bigger_is_a_bomb():
    data = rezip(docx_bytes(), add={"word/media/zeros.bin": b"\x00" * (4 * 1024 * 1024)})
    assert len(data) < 100_000
    assert "se décompresse en bien plus de données" in refusal("bombe.docx", data)


def test_an_archive_whose_members_add_up_past_the_limit_is_a_bomb(monkeypatch):
    monkeypatch.setattr(checks, "MAX_UNPACKED_BYTES", 200_000)
    data = rezip(docx_bytes(), add={f"word/media/image{i}.bin": bytes(range(256)) * 400 for i in range(3)})
    assert "se décompresse en bien plus de données" in refusal("lourd.docx", data)


def test_an_xml_part_with_a_dtd_is_refused_before_lxml_sees_it():
    data = docx_bytes()
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    hostile = document.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', 1
    ).replace(b"Nos valeurs", b"&secret;")
    assert "déclarations XML (DTD)" in refusal("xxe.docx", rezip(data, replace={"word/document.xml": hostile}))


def test_a_utf16_xml_part_with_a_dtd_is_refused_too():
    data = odt_bytes()
    hostile = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'.encode("utf-16")
    assert "déclarations XML (DTD)" in refusal("xxe.odt", rezip(data, replace={"styles.xml": hostile}))


def test_a_damaged_docx_says_it_could_not_be_read():
    data = rezip(docx_bytes(), replace={"word/document.xml": b"<w:document><not-closed>"})
    assert "n'a pas pu être lu" in refusal("abime.docx", data)


def test_a_file_without_any_article_is_refused():
    assert "Aucun article n'a été trouvé" in refusal("titres.md", b"# Partie\n\n## Sous-partie\n")
    assert "Aucun article n'a été trouvé" in refusal("vide.docx", docx_bytes(articles=0))


def test_thousands_of_articles_are_refused_and_the_limit_is_said():
    text = "# Partie\n\n" + "\n\n".join(f"Article {n}." for n in range(1, 1002))
    assert "1001 articles ; 1000 au plus" in refusal("long.md", text.encode())
    with pytest.raises(DraftError):
        from_typed(text)


def test_an_article_too_long_for_the_text_is_refused_with_its_number():
    text = "# Partie\n\nCourt.\n\n" + "mot " * 1500
    assert "L'article 2" in refusal("long.md", text.encode())
