"""On the demo (`make run`), the charts and PDFs show real content: signatures, agoras, amendments."""

from io import StringIO

from django.core.management import call_command

from deliberation.adoption.models import AdoptionVote
from manifesto.models import Manifesto, Signature
from manifesto.signatures import demo as signatures_demo
from tests.publishing.test_pdfs import pdf_text


def test_demo_draws_signatures_agoras_and_amendments(db, client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    counted = Signature.objects.filter(manifesto__slug="declaration-adoptee", state="confirmed").count()
    assert counted >= 50
    declaration_text = Manifesto.objects.get(slug="declaration-adoptee")
    assert signatures_demo.load(declaration_text) == counted  # idempotent: nothing added the second time
    assert Signature.objects.filter(manifesto__slug="declaration-adoptee").count() == counted

    declaration = client.get("/manifeste/declaration-adoptee/chiffres/").content.decode()
    assert declaration.count('role="img"') == 2 and "59 — Nord" in declaration
    collective = client.get("/manifeste/manifeste-collectif/chiffres/").content.decode()
    assert collective.count('role="img"') == 2 and "Agora de Marseille" in collective and "Art. 1" in collective

    signatories = pdf_text(client.get("/signer/declaration-adoptee/signataires.pdf"))
    assert f"{counted} signatures confirmées" in signatories and "Coopérative Les Tisserands" in signatories
    vote = AdoptionVote.objects.get(manifesto=declaration_text)  # ids differ on PostgreSQL
    results = pdf_text(client.get(f"/vote/declaration-adoptee/{vote.pk}/resultats.pdf"))
    assert "Texte adopté" in results and "Article 11" in results
    booklet = pdf_text(client.get("/agoras/collectif-lille/liasse.pdf"))
    assert "Amendement n°" in booklet
