"""The signing pages through Django's test client: what a signatory and an organiser see."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from manifesto.models import Signature, SignatureState
from manifesto.signatures import selectors, services
from manifesto.signatures.views import csv_safe
from tests.signatures.conftest import confirm_token, fresh_ip, manage_link, organisation, person

FORM = {
    "kind": "person",
    "first_name": "Camille",
    "last_name": "Martin",
    "territory": "35",
    "email": "camille@example.org",
    "consent_public": "on",
}
ORG_FORM = {
    "kind": "organisation",
    "first_name": "Nadia",
    "last_name": "Benali",
    "role": "Présidente",
    "organisation_name": "Coopérative des Deux Rives",
    "family": "cooperative",
    "siren": "732 829 320",
    "entitled": "on",
    "territory": "44",
    "email": "presidence@coop.example",
    "consent_public": "on",
}


def post_sign(client, campaign, data, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}), data, **extra)


def test_sign_page_shows_final_text_fingerprint_counter_and_form(client, campaign):
    response = client.get(reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert campaign.version.fingerprint in html
    assert "Texte adopté" in html
    assert 'aria-live="polite"' in html
    assert 'name="consent_public"' in html and 'name="entitled"' in html
    assert "Vos données personnelles" in html


def test_signing_as_a_person_redirects_to_check_your_email(client, campaign, django_capture_on_commit_callbacks):
    response = post_sign(client, campaign, FORM, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:sent", kwargs={"slug": campaign.manifesto.slug})
    assert Signature.objects.get().ip_address == "127.0.0.1"
    assert len(mail.outbox) == 1


def test_duplicate_submission_gets_the_identical_response(client, campaign, django_capture_on_commit_callbacks):
    first = post_sign(client, campaign, FORM, django_capture_on_commit_callbacks)
    second = post_sign(client, campaign, {**FORM, "email": "  CAMILLE@example.org "}, django_capture_on_commit_callbacks)
    assert (first.status_code, first["Location"], first.content) == (second.status_code, second["Location"], second.content)
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 2  # a fresh link to the pending signature, not a second row


def test_signing_as_an_organisation_checks_siren_and_entitlement(client, campaign, django_capture_on_commit_callbacks):
    response = post_sign(
        client, campaign, {**ORG_FORM, "siren": "732829321", "entitled": ""}, django_capture_on_commit_callbacks
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "la clé de contrôle ne correspond pas" in html
    assert 'aria-describedby="id_siren_errors id_siren_help"' in html and 'aria-invalid="true"' in html
    assert 'id="id_entitled_errors"' in html
    assert Signature.objects.count() == 0
    response = post_sign(client, campaign, ORG_FORM, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.siren, signature.organisation_key, signature.family) == ("732829320", "siren:732829320", "cooperative")


def test_formula_like_name_is_refused_with_a_clear_message_and_input_kept(client, campaign, django_capture_on_commit_callbacks):
    response = post_sign(client, campaign, {**FORM, "last_name": "=1+1"}, django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert response.status_code == 400
    assert "ne peut pas commencer par =, +, - ou @" in html
    assert 'value="camille@example.org"' in html
    assert Signature.objects.count() == 0


def test_rate_limited_submission_is_refused_and_not_stored(client, campaign, settings, django_capture_on_commit_callbacks):
    settings.SIGNATURE_RATE_LIMIT = 1
    extra = {"REMOTE_ADDR": fresh_ip()}
    assert post_sign(client, campaign, FORM, django_capture_on_commit_callbacks, **extra).status_code == 302
    response = post_sign(client, campaign, {**FORM, "email": "b@example.org"}, django_capture_on_commit_callbacks, **extra)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.SIGNATURE_RATE_WINDOW_SECONDS
    html = response.content.decode()
    assert "Trop de demandes" in html
    assert "Le formulaire contient des erreurs" not in html  # nothing to correct: wait, then send again
    assert 'value="b@example.org"' in html
    assert Signature.objects.count() == 1


def test_honeypot_submission_looks_accepted_but_stores_nothing(client, campaign, django_capture_on_commit_callbacks):
    response = post_sign(client, campaign, {**FORM, "website": "http://spam"}, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Signature.objects.count() == 0


def test_closed_campaign_page_says_so_and_refuses_posts(client, campaign, organiser, django_capture_on_commit_callbacks):
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    page = client.get(reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}))
    assert "n'est pas ouverte" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = post_sign(client, campaign, FORM, django_capture_on_commit_callbacks)
    assert response.status_code == 409
    assert Signature.objects.count() == 0


def test_confirmation_link_asks_then_confirms_once(client, campaign, sign, django_capture_on_commit_callbacks):
    token = confirm_token(sign(campaign))
    url = reverse("signatures:confirm", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200 and "Je confirme" in page.content.decode()
    assert Signature.objects.get().state == SignatureState.PENDING  # a mere GET (mail scanner) confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    signature = Signature.objects.get()
    assert signature.state == SignatureState.CONFIRMED
    assert signature.receipt_code in done.content.decode()
    assert campaign.version.fingerprint in done.content.decode()
    again = client.post(url)
    assert again.status_code == 200 and signature.receipt_code in again.content.decode()
    assert Signature.objects.filter(state=SignatureState.CONFIRMED).count() == 1


def test_wrong_and_expired_links_get_the_same_page(client, campaign, sign):
    import datetime

    from django.utils import timezone

    token = confirm_token(sign(campaign))
    Signature.objects.update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.post(reverse("signatures:confirm", kwargs={"token": token}))
    wrong = client.post(reverse("signatures:confirm", kwargs={"token": "A" * 43}))
    assert expired.status_code == wrong.status_code == 404
    def strip(response):  # the CSRF mask and the page's own URL (language switcher) differ by nature
        content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        return re.sub(rb"/signer/confirmer/[^/]+/", b"", content)

    assert strip(expired) == strip(wrong)


def test_withdrawal_page_removes_the_signature(client, campaign, signed, django_capture_on_commit_callbacks):
    _signature, message, _receipt = signed(campaign)
    pk, token = manage_link(message)
    url = reverse("signatures:manage", kwargs={"pk": pk, "token": token})
    assert "Retirer ma signature" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "withdraw"}, follow=True)
    assert "retirée" in response.content.decode()
    assert Signature.objects.get().state == SignatureState.WITHDRAWN
    assert client.get(reverse("signatures:manage", kwargs={"pk": pk, "token": "0" * 64})).status_code == 404


def test_public_list_and_receipt_show_no_personal_data_beyond_consent(client, campaign, signed):
    signature, _m, _r = signed(campaign, organisation())
    signed(campaign, person(email="hidden@example.org", first_name="Secrète", consent_public=False))
    html = client.get(reverse("signatures:list", kwargs={"slug": campaign.manifesto.slug}), {"famille": "cooperative"}).content.decode()
    assert "Coopérative des Deux Rives" in html and "Loire-Atlantique" in html
    assert "Secrète" not in html and "@" not in html.split("<main")[1].split("</main>")[0]
    receipt = client.get(reverse("signatures:receipt", kwargs={"slug": campaign.manifesto.slug}), {"code": signature.receipt_code.lower()})
    text = receipt.content.decode()
    assert receipt.status_code == 200
    assert campaign.version.fingerprint in text and "Reçu valide" in text
    assert "Nadia" not in text and "Deux Rives" not in text
    missing = client.get(reverse("signatures:receipt", kwargs={"slug": campaign.manifesto.slug}), {"code": "ZZZZZZZZZZZZ"})
    assert missing.status_code == 404


def test_counter_endpoint_returns_the_count(client, campaign, signed):
    signed(campaign)
    response = client.get(reverse("signatures:counter", kwargs={"slug": campaign.manifesto.slug}))
    data = response.json()
    assert isinstance(data.pop("version"), int)
    assert data == {"manifesto_id": campaign.manifesto_id, "count": 1, "goal": 100}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+33", "'+33"), ("-2", "'-2"), ("@x", "'@x"), ("\tx", "'\tx"), ("Anne", "Anne"), (None, "")],
)
def test_csv_cells_are_safe_against_formula_injection(value, expected):
    assert csv_safe(value) == expected


def test_export_is_for_organisers_and_escapes_cells(client, campaign, signed, organiser, outsider):
    signature, _m, _r = signed(campaign, person(role="Trésorière", consent_news=True))
    signed(campaign, person(email="quiet@example.org"))
    Signature.objects.filter(pk=signature.pk).update(role="=HYPERLINK(\"http://evil\")")  # as if it had slipped in
    url = reverse("signatures:export", kwargs={"slug": campaign.manifesto.slug})
    client.force_login(outsider)
    refused = client.get(url)
    assert refused.status_code == 403 and "gèrent sa campagne de signatures" in refused.content.decode()
    client.force_login(organiser)
    response = client.get(url)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["fonction"].startswith("'=")
    assert rows[0]["email_nouvelles"] == "camille@example.org"
    assert rows[1]["email_nouvelles"] == ""  # no news wanted: the export does not carry the address
    assert "quiet@example.org" not in body and "203.0.113" not in body


def test_dashboard_opens_closes_and_invalidates(client, manifesto, final_version, organiser, outsider, signed, django_capture_on_commit_callbacks):
    url = reverse("signatures:dashboard", kwargs={"slug": manifesto.slug})
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "open", "version": final_version.pk, "goal": "50"})
    assert response.status_code == 302
    campaign = selectors.campaign_for(slug=manifesto.slug)
    signed(campaign, person(email="a@spam.example"))
    signed(campaign, person(email="b@ok.example"))
    preview = client.post(url, {"action": "invalidate", "email_domain": "spam.example"})
    assert "1 signature correspond. Parmi elles, 1 est comptée." in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "invalidate", "email_domain": "spam.example", "confirm": "on"})
    assert Signature.objects.filter(state=SignatureState.CONFIRMED).count() == 1
    page = client.get(url).content.decode()
    assert "Par famille" in page
    client.post(url, {"action": "close"})
    manifesto.refresh_from_db()
    assert manifesto.status == "closed"


def test_a_full_dump_holds_no_email_after_erasure(campaign, signed, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # task rows are in the dump too
    with django_capture_on_commit_callbacks(execute=True):
        services.sign(campaign=campaign, data=organisation(email="Unique.Person@Example.net"), ip="203.0.113.50")
    signature = Signature.objects.get()
    from django_tasks_db.models import DBTaskResult

    # The queued email holds neither the address nor a link token: the worker makes the token when it sends.
    assert [row["args"] for row in DBTaskResult.objects.values_list("args_kwargs", flat=True)] == [[signature.pk, "confirm"]]
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert "unique.person@example.net" in dump.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        services.erase(signature_id=signature.pk, token=services.manage_token(signature.pk))
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue().lower()
    assert "unique.person@example.net" not in text
    assert "203.0.113.50" not in text and "Benali".lower() not in text


def test_organiser_freezes_the_text_and_opens_signing_from_the_dashboard(client, manifesto, organiser):
    client.force_login(organiser)
    assert client.get(reverse("signatures:sign", kwargs={"slug": manifesto.slug}))["Location"].endswith("/organiser/")
    url = reverse("signatures:dashboard", kwargs={"slug": manifesto.slug})
    assert client.post(url, {"action": "freeze", "label": "Texte final"}).status_code == 302
    version = manifesto.versions.get()
    assert client.post(url, {"action": "open", "version": version.pk}).status_code == 302
    client.logout()
    page = client.get(reverse("signatures:sign", kwargs={"slug": manifesto.slug}))
    assert page.status_code == 200 and version.fingerprint in page.content.decode()


def test_sign_page_before_opening_says_so_and_offers_organisers_to_log_in(client, manifesto):
    response = client.get(reverse("signatures:sign", kwargs={"slug": manifesto.slug}))
    assert response.status_code == 404
    assert "pas encore ouvert à la signature" in response.content.decode()
    assert reverse("login") in response.content.decode()


def test_entreprise_sociale_is_offered_as_esus_approved(client, campaign):
    html = client.get(reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug})).content.decode()
    assert '<option value="entreprise_sociale">Entreprise sociale agréée ESUS</option>' in html


def test_campaign_opening_later_says_when(client, manifesto, final_version, organiser, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    campaign = services.open_campaign(
        actor=organiser, manifesto=manifesto, version=final_version, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    page = client.get(reverse("signatures:sign", kwargs={"slug": manifesto.slug})).content.decode()
    assert "La signature ouvrira le" in page and 'name="email"' not in page
    response = post_sign(client, campaign, FORM, django_capture_on_commit_callbacks)
    assert response.status_code == 409 and Signature.objects.count() == 0


def test_the_signer_erases_their_data_from_the_manage_page_and_still_counts(client, campaign, signed, django_capture_on_commit_callbacks):
    signature, message, _receipt = signed(campaign, person(email="erase-me@example.org", last_name="Effacable"))
    pk, token = manage_link(message)
    url = reverse("signatures:manage", kwargs={"pk": pk, "token": token})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "erase"}, follow=True)
    assert response.status_code == 200
    erased = Signature.objects.get(pk=signature.pk)
    assert erased.erased_at is not None and erased.email is None and erased.last_name == ""
    assert erased.state == SignatureState.CONFIRMED  # it still counts, anonymously
    assert "Effacable" not in client.get(reverse("signatures:list", kwargs={"slug": campaign.manifesto.slug})).content.decode()


def test_the_resend_page_answers_the_same_whatever_the_address(client, campaign, sign, django_capture_on_commit_callbacks):
    sign(campaign, person(email="pending@example.org"))
    url = reverse("signatures:resend", kwargs={"slug": campaign.manifesto.slug})
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "Pending@Example.org"})
        unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox[before:]] == [["pending@example.org"]]


def test_the_public_list_says_how_many_are_confirmed_pending_and_withdrawn(client, campaign, signed, sign, django_capture_on_commit_callbacks):
    signed(campaign, person(email="a@example.org"))
    signed(campaign, person(email="b@example.org"))
    _signature, message, _receipt = signed(campaign, person(email="c@example.org"))
    pk, token = manage_link(message)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(signature_id=pk, token=token)
    sign(campaign, person(email="d@example.org"))
    html = client.get(reverse("signatures:list", kwargs={"slug": campaign.manifesto.slug})).content.decode()
    assert "2 confirmées" in html and "1 en attente de confirmation" in html and "1 retirée" in html


def test_the_dashboard_shows_bursts_by_network_and_domain_and_checks_them_without_invalidating(client, campaign, sign, organiser):
    for n in range(4):
        sign(campaign, person(email=f"bot{n}@spam.example"), ip=f"198.51.100.{n + 1}")
    sign(campaign, person(email="someone@example.org"), ip="203.0.113.9")
    client.force_login(organiser)
    url = reverse("signatures:dashboard", kwargs={"slug": campaign.manifesto.slug})
    html = client.get(url).content.decode()
    assert "198.51.100.0/24" in html and "spam.example" in html
    assert "203.0.113.0/24" not in html  # one signature is no burst
    response = client.post(url, {"action": "invalidate", "ip_network": "198.51.100.0/24"})
    assert "4 signatures correspondent" in response.content.decode()
    assert Signature.objects.filter(state=SignatureState.INVALIDATED).count() == 0
