"""Signing, double opt-in, withdrawal, erasure and the organiser tools, through the services."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from manifesto import services as text_services
from manifesto.errors import CampaignClosed, InvalidInput, InvalidToken, PermissionDenied, RateLimited
from manifesto.models import Manifesto, ManifestoStatus, Signature, SignatureState
from manifesto.signatures import selectors, services
from tests.signatures.conftest import confirm_token, fresh_ip, manage_link, organisation, person


def test_signing_stores_a_pending_signature_and_emails_a_confirmation_link(campaign, sign):
    message = sign(campaign, person(email="  Camille@Example.ORG "))
    signature = Signature.objects.get()
    assert signature.state == SignatureState.PENDING
    assert signature.email == "camille@example.org"
    assert message.to == ["camille@example.org"]
    token = confirm_token(message)
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    assert signature.token_hash == services.hash_token(token)
    assert token not in str(Signature.objects.values().get())
    assert "/signer/gerer/" in message.body
    assert selectors.signature_count(campaign.manifesto_id) == 0


def test_confirmation_counts_the_signature_and_sends_a_receipt(campaign, signed):
    signature, _message, receipt = signed(campaign)
    assert signature.state == SignatureState.CONFIRMED
    assert signature.receipt_code and len(signature.receipt_code) == 12
    assert signature.receipt_code in receipt.body
    assert campaign.version.fingerprint in receipt.body
    assert selectors.signature_count(campaign.manifesto_id) == 1


def test_confirming_twice_counts_once(campaign, signed, django_capture_on_commit_callbacks):
    signature, message, _receipt = signed(campaign)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.confirm(token=confirm_token(message))
    assert again.pk == signature.pk
    assert again.receipt_code == signature.receipt_code
    assert len(mail.outbox) == sent
    assert selectors.signature_count(campaign.manifesto_id) == 1


def test_expired_link_does_not_confirm(campaign, sign):
    message = sign(campaign)
    Signature.objects.update(token_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(InvalidToken):
        services.confirm(token=confirm_token(message))
    assert Signature.objects.get().state == SignatureState.PENDING


def test_wrong_token_is_refused_like_an_expired_one(campaign, sign):
    sign(campaign)
    with pytest.raises(InvalidToken) as wrong:
        services.confirm(token="x" * 43)
    assert wrong.value.code == InvalidToken.code


def test_second_signature_for_an_address_gets_an_already_signed_email(campaign, signed, sign):
    signed(campaign, person(email="camille@example.org"))
    message = sign(campaign, person(email=" CAMILLE@example.org", first_name="Autre"))
    assert Signature.objects.count() == 1
    assert "déjà" in message.subject
    assert "/signer/confirmer/" not in message.body
    assert Signature.objects.get().first_name == "Camille"


def test_second_submission_while_pending_sends_a_fresh_link_and_the_old_one_stops(campaign, sign):
    first = sign(campaign)
    second = sign(campaign, person(email="CAMILLE@EXAMPLE.ORG"))
    assert Signature.objects.count() == 1
    with pytest.raises(InvalidToken):
        services.confirm(token=confirm_token(first))
    services.confirm(token=confirm_token(second))
    assert Signature.objects.get().state == SignatureState.CONFIRMED


def test_database_refuses_two_rows_for_one_address(campaign):
    base = {"manifesto_id": campaign.manifesto_id, "version_id": campaign.version_id, "kind": "person", "territory": "35"}
    Signature.objects.create(email="a@example.org", **base)
    with pytest.raises(IntegrityError):
        Signature.objects.create(email="a@example.org", **base)


def test_emails_per_signature_are_capped(campaign, sign, settings, django_capture_on_commit_callbacks):
    settings.SIGNATURE_MAX_EMAILS = 5
    for _ in range(8):
        sign(campaign)
        with django_capture_on_commit_callbacks(execute=True):
            services.resend_confirmation(manifesto=campaign.manifesto, email="camille@example.org", ip="203.0.113.7")
    assert len(mail.outbox) == 5
    assert Signature.objects.get().emails_sent == 5


def test_resend_for_an_unknown_address_sends_nothing(campaign, sign, django_capture_on_commit_callbacks):
    sign(campaign)  # a known address beside it, so the same call for it would send
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.resend_confirmation(manifesto=campaign.manifesto, email="nobody@example.org", ip="203.0.113.7")
    assert len(mail.outbox) == before and callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_confirmation(manifesto=campaign.manifesto, email="camille@example.org", ip="203.0.113.7")
    assert len(mail.outbox) == before + 1


def test_closed_campaign_refuses_signatures(campaign, organiser, sign):
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    campaign.refresh_from_db()
    campaign.manifesto.refresh_from_db()
    assert campaign.manifesto.status == ManifestoStatus.CLOSED
    with pytest.raises(CampaignClosed):
        sign(campaign)
    assert Signature.objects.count() == 0


def test_campaign_past_its_end_refuses_signatures(campaign, sign):
    campaign.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.starts_at = campaign.ends_at - datetime.timedelta(days=1)
    campaign.save()
    with pytest.raises(CampaignClosed):
        sign(campaign)


def test_pending_signature_cannot_be_confirmed_after_closing(campaign, organiser, sign):
    message = sign(campaign)
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    with pytest.raises(CampaignClosed):
        services.confirm(token=confirm_token(message))
    assert selectors.signature_count(campaign.manifesto_id) == 0


def test_outsider_cannot_open_or_close_the_campaign(manifesto, final_version, outsider):
    with pytest.raises(PermissionDenied):
        services.open_campaign(actor=outsider, manifesto=manifesto, version=final_version)
    services.open_campaign(actor=manifesto.organisers.first(), manifesto=manifesto, version=final_version)
    with pytest.raises(PermissionDenied):
        services.close_campaign(actor=outsider, manifesto=manifesto)


def test_organisation_signature_requires_entitlement(campaign, sign):
    with pytest.raises(InvalidInput):
        sign(campaign, organisation(entitled=False))


def test_rate_limit_refuses_and_never_counts_over_limit_submissions(campaign, sign, settings):
    settings.SIGNATURE_RATE_LIMIT = 3
    ip = fresh_ip()
    for n in range(3):
        sign(campaign, person(email=f"p{n}@example.org"), ip=ip)
    with pytest.raises(RateLimited):
        sign(campaign, person(email="p4@example.org"), ip=ip)
    assert Signature.objects.count() == 3
    sign(campaign, person(email="other@example.org"), ip=fresh_ip())
    assert Signature.objects.count() == 4


def test_allow_listed_network_is_not_rate_limited(campaign, sign, settings):
    settings.SIGNATURE_RATE_LIMIT = 2
    settings.SIGNATURE_RATE_ALLOWLIST = ["192.0.2.0/24"]
    for n in range(5):
        sign(campaign, person(email=f"venue{n}@example.org"), ip="192.0.2.33")
    assert Signature.objects.count() == 5


def test_withdrawal_leaves_the_count_and_erases_personal_data(campaign, signed, django_capture_on_commit_callbacks):
    signature, message, _receipt = signed(campaign)
    pk, token = manage_link(message)
    assert pk == signature.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(signature_id=pk, token=token)
    signature.refresh_from_db()
    assert signature.state == SignatureState.WITHDRAWN
    assert signature.email is None and signature.first_name == "" and signature.ip_address is None
    assert selectors.signature_count(campaign.manifesto_id) == 0
    assert not selectors.public_list(manifesto_id=campaign.manifesto_id).exists()


def test_manage_link_with_a_wrong_token_changes_nothing(campaign, signed):
    signature, _message, _receipt = signed(campaign)
    with pytest.raises(InvalidToken):
        services.withdraw(signature_id=signature.pk, token="0" * 64)
    assert Signature.objects.get().state == SignatureState.CONFIRMED


def test_erasure_keeps_an_anonymous_trace_that_counts(campaign, signed):
    signature, message, _receipt = signed(campaign, organisation(siren="732829320", organisation_key="siren:732829320"))
    pk, token = manage_link(message)
    services.erase(signature_id=pk, token=token)
    signature.refresh_from_db()
    assert signature.erased_at is not None
    assert (signature.email, signature.first_name, signature.organisation_name, signature.siren) == (None, "", "", "")
    assert signature.family == "cooperative" and signature.territory == "44"
    assert selectors.signature_count(campaign.manifesto_id) == 1
    assert not selectors.public_list(manifesto_id=campaign.manifesto_id).exists()


def test_after_erasing_a_signature_that_did_not_count_the_address_may_sign_again(campaign, sign, organiser):
    sign(campaign)  # pending: never confirmed, never counted
    assert services.erase_by_organiser(actor=organiser, manifesto=campaign.manifesto, email="camille@example.org")
    assert sign(campaign) is not None
    assert Signature.objects.count() == 2


def test_organiser_erases_on_request(campaign, signed, organiser, outsider):
    signed(campaign)
    with pytest.raises(PermissionDenied):
        services.erase_by_organiser(actor=outsider, manifesto=campaign.manifesto, email="camille@example.org")
    assert services.erase_by_organiser(actor=organiser, manifesto=campaign.manifesto, email=" Camille@example.org")
    assert Signature.objects.get().email is None


def test_bulk_invalidation_by_domain_ip_range_and_window_corrects_the_count(campaign, signed, sign, organiser):
    signed(campaign, person(email="a@spam.example"), ip="198.51.100.1")
    signed(campaign, person(email="b@spam.example"), ip="198.51.100.2")
    signed(campaign, person(email="c@spam.example"), ip="203.0.113.9")
    signed(campaign, person(email="d@ok.example"), ip="198.51.100.3")
    sign(campaign, person(email="e@spam.example"), ip="198.51.100.4")  # pending
    assert selectors.signature_count(campaign.manifesto_id) == 4

    with pytest.raises(InvalidInput):
        services.bulk_invalidate(actor=organiser, manifesto=campaign.manifesto)
    preview = services.preview_invalidation(
        actor=organiser, manifesto=campaign.manifesto, email_domain="@SPAM.example", ip_network="198.51.100.0/24"
    )
    assert (preview.matched, preview.were_counted) == (3, 2)
    result = services.bulk_invalidate(
        actor=organiser, manifesto=campaign.manifesto, email_domain="spam.example", ip_network="198.51.100.0/24"
    )
    assert (result.matched, result.were_counted) == (3, 2)
    assert selectors.signature_count(campaign.manifesto_id) == 2

    later = timezone.now() + datetime.timedelta(hours=1)
    assert services.bulk_invalidate(actor=organiser, manifesto=campaign.manifesto, since=later).matched == 0
    earlier = timezone.now() - datetime.timedelta(hours=1)
    assert services.bulk_invalidate(actor=organiser, manifesto=campaign.manifesto, since=earlier).were_counted == 2
    assert selectors.signature_count(campaign.manifesto_id) == 0


def test_invalidated_address_cannot_sign_again_and_gets_no_email(campaign, signed, sign, organiser):
    signed(campaign, person(email="x@spam.example"))
    services.bulk_invalidate(actor=organiser, manifesto=campaign.manifesto, email_domain="spam.example")
    assert sign(campaign, person(email="x@spam.example")) is None
    assert selectors.signature_count(campaign.manifesto_id) == 0


def test_new_final_version_invites_earlier_signatories_to_confirm_again(
    campaign, signed, organiser, django_capture_on_commit_callbacks
):
    signature, _message, _receipt = signed(campaign)
    first_version = campaign.version
    manifesto = campaign.manifesto
    Manifesto.objects.filter(pk=manifesto.pk).update(status=ManifestoStatus.DRAFTING)
    manifesto.refresh_from_db()
    clause = manifesto.clauses.first()
    text_services.edit_clause(actor=organiser, clause=clause, text="Nouvelle rédaction.", expected_revision=clause.revision)
    second = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte révisé")
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_campaign(actor=organiser, manifesto=manifesto, version=second)
    invitation = mail.outbox[before]
    assert second.fingerprint in invitation.body
    signature.refresh_from_db()
    assert signature.version == first_version  # still bound to what was signed
    services.confirm(token=confirm_token(invitation))
    signature.refresh_from_db()
    assert signature.version == second
    assert selectors.signature_count(manifesto.pk) == 1


def test_public_list_lists_an_organisation_once_and_respects_consent(campaign, signed):
    signed(campaign, organisation(email="a@coop.example", first_name="Anne"))
    signed(campaign, organisation(email="b@coop.example", first_name="Bruno", organisation_name="Coopérative des deux rives"))
    signed(campaign, person(email="hidden@example.org", consent_public=False))
    signed(campaign, person(email="shown@example.org", first_name="Lou", territory="13"))
    listed = list(selectors.public_list(manifesto_id=campaign.manifesto_id))
    assert sorted(s.kind for s in listed) == ["organisation", "person"]
    assert selectors.signature_count(campaign.manifesto_id) == 4
    assert [s.first_name for s in selectors.public_list(manifesto_id=campaign.manifesto_id, territory="13")] == ["Lou"]
    assert len(selectors.public_list(manifesto_id=campaign.manifesto_id, family="cooperative")) == 1
    assert len(selectors.public_list(manifesto_id=campaign.manifesto_id, query="deux rives")) == 1
    totals = selectors.totals(manifesto_id=campaign.manifesto_id)
    assert totals["total"] == 4 and totals["organisations"] == 2
    assert dict(totals["by_family"]) == {"cooperative": 2}


def test_anonymisation_after_the_retention_period(campaign, signed, sign, organiser):
    signed(campaign)
    sign(campaign, person(email="pending@example.org"))
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    assert services.anonymise_expired(months=12).anonymised == 0
    later = timezone.now() + datetime.timedelta(days=400)
    result = services.anonymise_expired(now=later, months=12)
    assert result.anonymised == 1 and result.deleted_pending == 1
    remaining = Signature.objects.get()
    assert remaining.email is None and remaining.state == SignatureState.CONFIRMED
    assert selectors.signature_count(campaign.manifesto_id) == 1


def test_months_before_clamps_the_day():
    moment = datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC)
    assert services.months_before(moment, 1) == datetime.datetime(2026, 2, 28, tzinfo=datetime.UTC)
    assert services.months_before(moment, 15) == datetime.datetime(2024, 12, 31, tzinfo=datetime.UTC)


def test_campaign_events_are_journaled_with_valid_shapes(campaign, organiser, journal_events):
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    types = [event.type for event in journal_events(campaign.manifesto)]
    assert "signatures.campaign_opened" in types and "signatures.campaign_closed" in types


def test_anonymise_command_reports_what_it_did(campaign, signed, organiser):
    import io

    from django.core.management import call_command

    signed(campaign)
    services.close_campaign(actor=organiser, manifesto=campaign.manifesto)
    out = io.StringIO()
    call_command("anonymise_signatures", "--months", "0", stdout=out)
    assert "1 signature(s) rendue(s) anonyme(s)" in out.getvalue()
    assert Signature.objects.get().email is None


def test_emails_are_plain_text_without_html_escaping(campaign, sign):
    from manifesto.models import Manifesto

    Manifesto.objects.filter(pk=campaign.manifesto_id).update(title="Manifeste de l'ESS & des territoires")
    message = sign(campaign)
    assert "Manifeste de l'ESS & des territoires" in message.subject
    assert "Manifeste de l'ESS & des territoires" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
