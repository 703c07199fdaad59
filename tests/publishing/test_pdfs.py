"""The PDFs open, hold their text (pypdf), and a hostile name is printed as text."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from manifesto import services as text_services
from manifesto.signatures import services as signature_services
from tests.signatures.conftest import confirm_token, organisation, person

HOSTILE = "<script>alert('x')</script> =HYPERLINK(\"http://evil\")"


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def hostile_text(organiser, manifesto):
    first = manifesto.clauses.order_by("number").first()
    text_services.edit_clause(actor=organiser, clause=first, text=HOSTILE, expected_revision=first.revision)
    return manifesto


def test_text_pdf_of_a_frozen_version(client, organiser, hostile_text, settings):
    settings.SITE_URL = "https://coecrire.example"
    version = text_services.freeze_version(actor=organiser, manifesto=hostile_text, label="Texte du congrès")
    text = pdf_text(client.get(f"/manifeste/{hostile_text.slug}/versions/{version.number}/texte.pdf"))
    flat = _squash(text)
    assert "Texte du congrès" in text
    assert version.fingerprint[:32] in flat and version.fingerprint[32:] in flat
    assert _squash(HOSTILE) in flat  # printed as it was typed, never interpreted
    assert "Article 1" in text and "l. 2" in text  # numbered lines, the same as the reading page's
    assert "https://coecrire.example/manifeste/" in flat


def test_text_pdf_of_the_current_text_follows_changes(client, organiser, manifesto):
    url = f"/manifeste/{manifesto.slug}/texte.pdf"
    before = pdf_text(client.get(url))
    assert "non figé" in before
    clause = manifesto.clauses.order_by("number").first()
    text_services.edit_clause(actor=organiser, clause=clause, text="Une rédaction toute neuve.", expected_revision=clause.revision)
    manifesto.refresh_from_db()
    assert "Une rédaction toute neuve." in pdf_text(client.get(url))


def test_signatories_pdf_lists_public_fields_only(client, organiser, manifesto, django_capture_on_commit_callbacks, settings):
    settings.SIGNATURE_RATE_LIMIT = 100000
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 0
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
    campaign = signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
    signers = [
        (person(last_name="Martin<b>", first_name="Camille"), "203.0.113.21"),
        (person(email="secret@example.org", first_name="Discrète", last_name="Personne", consent_public=False), "203.0.113.22"),
        (organisation(organisation_name="Coop <i>des</i> Deux Rives"), "203.0.113.23"),
    ]
    for data, ip in signers:
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.sign(campaign=campaign, data=data, ip=ip)
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.confirm(token=confirm_token(mail.outbox[-1]))
    text = pdf_text(client.get(f"/signer/{manifesto.slug}/signataires.pdf"))
    assert "Camille Martin<b>" in text
    assert "Coop <i>des</i> Deux Rives" in text
    assert "Discrète" not in text and "secret@example.org" not in text
    assert "Nadia" not in text  # who signed for an organisation is not public
    assert version.fingerprint in _squash(text)
    assert "3 signatures confirmées" in text


def test_signatories_pdf_is_rebuilt_per_period_but_at_once_when_a_name_leaves(
    client, organiser, manifesto, django_capture_on_commit_callbacks, settings, monkeypatch
):
    from deliberation.publishing.pdf import documents

    settings.SIGNATURE_RATE_LIMIT = 100000
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 0
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
    campaign = signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)

    def sign(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.sign(campaign=campaign, data=person(**fields), ip="203.0.113.30")
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.confirm(token=confirm_token(mail.outbox[-1]))

    url = f"/signer/{manifesto.slug}/signataires.pdf"
    now = [1_800_000_000.0]
    monkeypatch.setattr(documents.time, "time", lambda: now[0])
    sign(email="a@example.org", first_name="Aline", last_name="Premier")
    assert "Aline Premier" in pdf_text(client.get(url))
    sign(email="b@example.org", first_name="Bruno", last_name="Tardif")
    assert "Bruno Tardif" not in pdf_text(client.get(url))  # same period: the built PDF is served
    now[0] += documents.SIGNATORIES_PDF_PERIOD
    assert "Bruno Tardif" in pdf_text(client.get(url))
    signature_services.erase_by_organiser(actor=organiser, manifesto=manifesto, email="b@example.org")
    assert "Bruno Tardif" not in pdf_text(client.get(url))  # leaving the list is never delayed


def test_no_signatories_pdf_without_a_campaign(client, manifesto):
    assert client.get(f"/signer/{manifesto.slug}/signataires.pdf").status_code == 404


# ------------------------------------------------------------------------- exports


def test_markdown_and_html_exports_keep_structure_and_escape(client, organiser, hostile_text):
    version = text_services.freeze_version(actor=organiser, manifesto=hostile_text, label="Texte du congrès")
    md = client.get(f"/manifeste/{hostile_text.slug}/versions/{version.number}/texte.md")
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    body = md.content.decode()
    assert body.startswith("# Manifeste de test\n") and "## Partie 1" in body and "### Article 1" in body
    assert "\\<script\\>" in body and version.fingerprint in body
    html = client.get(f"/manifeste/{hostile_text.slug}/texte.html").content.decode()
    assert "<h2>Partie 1</h2>" in html and "&lt;script&gt;" in html and "<script>" not in html


def test_csv_exports_are_formula_safe_with_bom(client, live_session, participant, clause):
    from deliberation import services as deliberation_services
    from deliberation.permissions import Actor
    from tests.deliberation.conftest import set_phase
    from agora.models import Phase

    set_phase(live_session, Phase.PROPOSALS)
    deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=live_session, kind="modify", clause=clause, text="=SUM(A1:A9)"
    )
    response = client.get(f"/manifeste/{clause.manifesto.slug}/amendements.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffnumero,nature,article,lignes,agora,etat,suite")
    assert "'=SUM(A1:A9)" in body and ",=SUM" not in body
    positions = b"".join(client.get(f"/manifeste/{clause.manifesto.slug}/positions.csv").streaming_content).decode()
    assert positions.startswith("\ufeffamendement,article,agora,position")


def test_odt_export_keeps_structure_and_prints_hostile_text_as_text(client, organiser, hostile_text):
    import zipfile

    from odfdo import Document

    version = text_services.freeze_version(actor=organiser, manifesto=hostile_text, label="Texte du congrès")
    response = client.get(f"/manifeste/{hostile_text.slug}/versions/{version.number}/texte.odt")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert f'filename="{hostile_text.slug}-v{version.number}.odt"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    document = Document(io.BytesIO(response.content))
    headings = [(int(h.level), h.text) for h in document.body.get_headers()]
    assert headings[:3] == [(1, "Manifeste de test"), (2, "Partie 1"), (3, "Article 1")]
    text = document.get_formatted_text()
    assert HOSTILE in text and version.fingerprint in text
    assert b"<script>" not in archive.read("content.xml")  # escaped in the XML, text in the document
    page = client.get(f"/manifeste/{hostile_text.slug}/versions/{version.number}/").content.decode()
    assert f"/manifeste/{hostile_text.slug}/versions/{version.number}/texte.odt" in page
    assert client.get(f"/manifeste/{hostile_text.slug}/texte.odt").status_code == 200


def test_concurrent_misses_build_a_pdf_once(settings):
    """Readers who miss the cache together wait for the first one's build instead of building again."""
    import threading
    import time as real_time

    from deliberation.publishing.pdf import cached_pdf

    builds = []

    def build():
        builds.append(1)
        real_time.sleep(0.5)
        return b"%PDF-built"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cached_pdf("test:single-flight", build))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [b"%PDF-built"] * 4
    assert len(builds) == 1
