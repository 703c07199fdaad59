"""The adoption vote's pages over HTTP: organiser-only actions, the roll import report, voting
without JavaScript from a link, receipts, results, and the manifesto's page after proclamation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliberation.adoption import services
from deliberation.adoption.models import Ballot, Voter, VoteState
from tests.adoption.conftest import cast, links_by_email

pytestmark = pytest.mark.django_db


def url(name, vote, **extra):
    return reverse(f"adoption:{name}", kwargs={"slug": vote.manifesto.slug, "pk": vote.pk, **extra})


def test_outsider_gets_403_with_a_sentence_on_every_organiser_action(client, outsider, vote):
    client.force_login(outsider)
    response = client.get(reverse("adoption:manage", kwargs={"slug": vote.manifesto.slug}))
    assert response.status_code == 403 and "organisateur" in response.content.decode()
    for name in ("rules", "import", "agoras", "clear", "open", "resend", "close", "proclaim"):
        assert client.post(url(name, vote)).status_code == 403, name
    vote.refresh_from_db()
    assert vote.state == VoteState.DRAFT and Voter.objects.filter(vote=vote).count() == 3


def test_a_draft_vote_is_not_public(client, vote):
    assert client.get(vote.get_absolute_url()).status_code == 404


def test_organiser_prepares_a_vote_from_the_manage_page(client, organiser, manifesto, version):
    client.force_login(organiser)
    response = client.post(
        reverse("adoption:manage", kwargs={"slug": manifesto.slug}),
        {"version": version.pk, "title": "Adoption", "closes_at": "2099-01-01T18:00", "majority": "absolute", "quorum_percent": "25", "per_article": "on"},
    )
    assert response.status_code == 302
    vote = manifesto.adoption_votes.get()
    assert (vote.majority, vote.quorum_percent, vote.per_article) == ("absolute", 25, True)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert version.fingerprint in page


def test_roll_upload_with_bad_lines_reports_them_and_imports_nothing_until_confirmed(client, organiser, manifesto, version):
    vote = services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=__import__("tests.adoption.conftest", fromlist=["rules"]).rules())
    client.force_login(organiser)
    csv = "nom;email;organisation;poids\nAlice;alice@example.org;Coop;1\nBruno;pas-une-adresse;;1\nChloé;chloe@example.org;;-2\n"
    response = client.post(url("import", vote), {"file": SimpleUploadedFile("liste.csv", csv.encode("utf-8"), "text/csv")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ligne 3" in page and "Ligne 4" in page and "rien n'a été importé" in page
    assert Voter.objects.filter(vote=vote).count() == 0
    # The confirmation carries the same list and imports the good line only.
    text = re.search(r'<textarea name="text" hidden aria-hidden="true">(.*?)</textarea>', page, re.S).group(1)
    import html

    response = client.post(url("import", vote), {"text": html.unescape(text), "accept_valid_rows": "on"})
    assert response.status_code == 302
    assert list(Voter.objects.filter(vote=vote).values_list("email", flat=True)) == ["alice@example.org"]


def test_a_voter_votes_from_the_emailed_link_without_javascript(client, open_vote):
    token = links_by_email()["alice@example.org"]
    link = reverse("adoption:ballot", kwargs={"token": token})
    page = client.get(link)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert open_vote.version.fingerprint in body and 'type="radio"' in body and "Alice Martin" in body
    missing = client.post(link, {"fingerprint": open_vote.version.fingerprint})
    assert missing.status_code == 400 and Ballot.objects.count() == 0
    response = client.post(link, {"fingerprint": open_vote.version.fingerprint, "texte": "pour"})
    assert response.status_code == 200  # no redirect: the receipt is in no URL
    code = re.search(r"data-receipt-code>([A-Z0-9]{16})<", response.content.decode()).group(1)
    assert Ballot.objects.count() == 1
    again = client.post(link, {"fingerprint": open_vote.version.fingerprint, "texte": "contre"})
    assert again.status_code == 404 and Ballot.objects.count() == 1
    checked = client.post(url("receipt", open_vote), {"code": code})
    assert "compté" in checked.content.decode()
    assert "Aucun bulletin" in client.post(url("receipt", open_vote), {"code": "ABCDEFGHJKLMNPQR"}).content.decode()


def test_a_ballot_with_a_stale_fingerprint_is_refused_and_the_choices_kept(client, open_vote):
    link = reverse("adoption:ballot", kwargs={"token": links_by_email()["bruno@example.org"]})
    response = client.post(link, {"fingerprint": "f" * 64, "texte": "contre"})
    assert response.status_code == 400 and "empreinte" in response.content.decode()
    assert re.search(r'<input type="radio" name="texte" value="contre"[^>]*checked', response.content.decode())
    assert Ballot.objects.count() == 0


def test_while_open_the_public_page_shows_turnout_and_never_a_result(client, open_vote):
    cast(open_vote, links_by_email()["alice@example.org"], "contre")
    page = client.get(open_vote.get_absolute_url()).content.decode()
    assert "data-turnout-voted>1<" in page and "Contre</td>" not in page
    assert client.get(url("results", open_vote)).status_code == 404
    assert client.get(url("turnout", open_vote)).json()["turnout"] == {"voted": 1, "roll": 3, "weight_voted": 1, "weight_total": 3}


def test_after_close_and_proclamation_the_manifesto_page_shows_the_final_text_result_and_signing_call(client, organiser, open_vote):
    cast(open_vote, links_by_email()["alice@example.org"], "pour")
    cast(open_vote, links_by_email()["bruno@example.org"], "contre")
    cast(open_vote, links_by_email()["chloe@example.org"], "pour")
    client.force_login(organiser)
    assert client.post(url("close", open_vote)).status_code == 302
    results = client.get(url("results", open_vote)).content.decode()
    assert "Texte adopté" in results and "<td>2</td><td>1</td><td>0</td>" in results
    assert client.post(url("proclaim", open_vote)).status_code == 302
    client.logout()
    page = client.get(open_vote.manifesto.get_absolute_url()).content.decode()
    assert open_vote.version.fingerprint in page
    assert "2 voix pour, 1 contre" in page
    assert reverse("signatures:sign", kwargs={"slug": open_vote.manifesto.slug}) in page
    assert "Texte de l&#x27;article 1.1" in page or "Texte de l'article 1.1" in page


def test_proclaiming_a_rejected_vote_is_refused_with_a_message(client, organiser, open_vote):
    cast(open_vote, links_by_email()["alice@example.org"], "contre")
    client.force_login(organiser)
    client.post(url("close", open_vote))
    response = client.post(url("proclaim", open_vote), follow=True)
    assert "pas été adopté" in response.content.decode()
    open_vote.refresh_from_db()
    assert open_vote.proclaimed_at is None


def test_results_read_in_english_name_the_questions_in_english(client, organiser, open_vote):
    cast(open_vote, links_by_email()["alice@example.org"], "pour")
    services.close_vote(actor=organiser, vote=open_vote)
    page = client.get(url("results", open_vote), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The whole text" in page and "Text adopted" in page
    assert "L'ensemble du texte" not in page
