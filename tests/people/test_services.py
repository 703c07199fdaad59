"""Invitations and roles through their services: who may invite, what a link gives, the audit."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from manifesto.errors import InvalidInput, InvalidToken, PermissionDenied
from manifesto.models import Invitation, RoleChange
from manifesto.people import roles, services
from tests.factories import make_agora, make_manifesto, make_user

pytestmark = pytest.mark.django_db


def link_token(message) -> str:
    return re.search(r"/invitation/([^/\s]+)/", message.body).group(1)


def invite_and_read_token(django_capture_on_commit_callbacks, mailoutbox, **kwargs) -> tuple[Invitation, str]:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(**kwargs)
    return invitation, link_token(mailoutbox[-1])


def test_registry_has_the_three_roles_and_no_superuser():
    assert roles.codes() == ["organiser", "collective", "facilitator"]
    assert roles.get("superuser") is None
    assert roles.get("facilitator").has_targets and not roles.get("organiser").has_targets


def test_invite_normalises_the_email_and_stores_only_a_hash(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox,
        actor=organiser, manifesto=manifesto, email="  Claire@Exemple.ORG ", grants=[{"role": "collective"}],
    )
    invitation.refresh_from_db()
    assert invitation.email == "claire@exemple.org"
    assert mailoutbox[-1].to == ["claire@exemple.org"]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.emails_sent == 1 and invitation.state == "pending"
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert manifesto.title in mailoutbox[-1].subject
    assert "http://" in mailoutbox[-1].body or "https://" in mailoutbox[-1].body


def test_second_invite_of_the_same_address_merges_grants(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    first_agora = make_agora(manifesto=manifesto, title="Agora A")
    second_agora = make_agora(manifesto=manifesto, title="Agora B")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(actor=organiser, manifesto=manifesto, email="k@exemple.org",
                        grants=[{"role": "facilitator", "targets": [first_agora.pk]}])
        services.invite(actor=organiser, manifesto=manifesto, email="K@exemple.org",
                        grants=[{"role": "facilitator", "targets": [second_agora.pk]}, {"role": "collective"}])
    invitation = Invitation.objects.get()
    assert invitation.grants == [
        {"role": "collective"},
        {"role": "facilitator", "targets": sorted([first_agora.pk, second_agora.pk])},
    ]
    assert len(mailoutbox) == 2 and invitation.emails_sent == 2


@pytest.mark.parametrize(
    "email, grants",
    [
        ("pas-une-adresse", [{"role": "collective"}]),
        ("a@exemple.org", [{"role": "superuser"}]),
        ("a@exemple.org", [{"role": "admin"}]),
        ("a@exemple.org", []),
        ("a@exemple.org", [{"role": "facilitator", "targets": []}]),
        ("a@exemple.org", [{"role": "facilitator", "targets": ["x"]}]),
    ],
)
def test_bad_invitation_is_refused_with_a_sentence_and_writes_nothing(organiser, manifesto, email, grants, mailoutbox):
    with pytest.raises(InvalidInput) as refused:
        services.invite(actor=organiser, manifesto=manifesto, email=email, grants=grants)
    assert str(refused.value.message).endswith(".")
    assert not Invitation.objects.exists() and not mailoutbox


def test_agora_of_another_text_cannot_be_a_target(organiser, manifesto):
    other = make_manifesto(organiser=organiser, sections=1, clauses=1)
    foreign_agora = make_agora(manifesto=other)
    with pytest.raises(InvalidInput):
        services.invite(actor=organiser, manifesto=manifesto, email="a@exemple.org",
                        grants=[{"role": "facilitator", "targets": [foreign_agora.pk]}])
    assert not Invitation.objects.exists()


def test_facilitator_and_collective_member_cannot_invite(manifesto, facilitator, agora):
    member = make_user("membre")
    manifesto.collective.add(member)
    for person in (facilitator, member):
        with pytest.raises(PermissionDenied):
            services.invite(actor=person, manifesto=manifesto, email="a@exemple.org", grants=[{"role": "collective"}])
    assert not Invitation.objects.exists()


def test_co_organiser_cannot_invite_on_another_text(organiser, manifesto):
    other_organiser = make_user("autre")
    other = make_manifesto(organiser=other_organiser, sections=1, clauses=1)
    with pytest.raises(PermissionDenied):
        services.invite(actor=organiser, manifesto=other, email="a@exemple.org", grants=[{"role": "organiser"}])
    assert not Invitation.objects.exists()


def test_new_person_accepts_and_gets_every_role_recorded(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    agora = make_agora(manifesto=manifesto)
    invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="nina@exemple.org",
        grants=[{"role": "organiser"}, {"role": "facilitator", "targets": [agora.pk]}],
    )
    user = services.accept_with_new_account(
        token=token, first_name="Nina", last_name="Roux", username="nina", password="une phrase longue 2024"
    )
    assert user.email == "nina@exemple.org" and user.check_password("une phrase longue 2024")
    assert manifesto.organisers.filter(pk=user.pk).exists() and agora.facilitators.filter(pk=user.pk).exists()
    assert not user.is_superuser and not user.is_staff
    changes = {(change.role, tuple(change.targets), change.action, change.actor_id) for change in RoleChange.objects.filter(user=user)}
    assert changes == {("organiser", (), "granted", organiser.pk), ("facilitator", (agora.pk,), "granted", organiser.pk)}
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by == user


def test_reused_link_is_refused_and_changes_nothing(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    _invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="n@exemple.org",
        grants=[{"role": "collective"}],
    )
    services.accept_with_new_account(token=token, first_name="N", last_name="", username="n1", password="une phrase longue 2024")
    with pytest.raises(InvalidToken, match="déjà été acceptée"):
        services.accept_with_new_account(token=token, first_name="N", last_name="", username="n2", password="une phrase longue 2024")
    assert not get_user_model().objects.filter(username="n2").exists()


def test_expired_revoked_and_forged_links_are_refused(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="e@exemple.org",
        grants=[{"role": "collective"}],
    )
    with pytest.raises(InvalidToken, match="pas valide"):
        services.invitation_for_token(token[:-2] + "xx")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(InvalidToken, match="expiré"):
        services.accept_with_new_account(token=token, first_name="E", last_name="", username="e", password="une phrase longue 2024")
    invitation.refresh_from_db()
    assert invitation.state == "expired"
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(actor=organiser, invitation=invitation)
    new_token = link_token(mailoutbox[-1])
    with pytest.raises(InvalidToken):
        services.invitation_for_token(token)  # the resent email's link replaces the old one
    services.revoke_invitation(actor=organiser, invitation=invitation)
    with pytest.raises(InvalidToken, match="retirée"):
        services.accept_with_new_account(token=new_token, first_name="E", last_name="", username="e", password="une phrase longue 2024")
    assert not get_user_model().objects.filter(username="e").exists()
    assert not manifesto.collective.exists()


def test_another_logged_in_account_cannot_accept(organiser, manifesto, outsider, mailoutbox, django_capture_on_commit_callbacks):
    outsider.email = "paul@exemple.org"
    outsider.save()
    _invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="claire@exemple.org",
        grants=[{"role": "organiser"}],
    )
    with pytest.raises(PermissionDenied, match="autre adresse"):
        services.accept_as(actor=outsider, token=token)
    assert not manifesto.organisers.filter(pk=outsider.pk).exists()
    assert services.invitation_for_token(token).state == "pending"


def test_existing_account_accepts_with_its_address(organiser, manifesto, outsider, mailoutbox, django_capture_on_commit_callbacks):
    outsider.email = "Paul@Exemple.org"
    outsider.save()
    _invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="paul@exemple.org",
        grants=[{"role": "collective"}],
    )
    services.accept_as(actor=outsider, token=token)
    assert manifesto.collective.filter(pk=outsider.pk).exists()


def test_invitation_lapses_when_its_sender_stops_organising(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    co_organiser = make_user("co")
    manifesto.organisers.add(co_organiser)
    _invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=co_organiser, manifesto=manifesto, email="x@exemple.org",
        grants=[{"role": "organiser"}],
    )
    services.revoke_role(actor=organiser, manifesto=manifesto, user=co_organiser, role="organiser")
    with pytest.raises(InvalidToken, match="n'organise plus"):
        services.accept_with_new_account(token=token, first_name="X", last_name="", username="x", password="une phrase longue 2024")
    assert not get_user_model().objects.filter(username="x").exists()


def test_last_organiser_cannot_be_revoked(organiser, manifesto):
    with pytest.raises(InvalidInput, match="dernier"):
        services.revoke_role(actor=organiser, manifesto=manifesto, user=organiser, role="organiser")
    assert manifesto.organisers.filter(pk=organiser.pk).exists()
    assert not RoleChange.objects.exists()


def test_revoking_a_facilitator_is_recorded(organiser, manifesto, facilitator, agora):
    services.revoke_role(actor=organiser, manifesto=manifesto, user=facilitator, role="facilitator")
    assert not agora.facilitators.filter(pk=facilitator.pk).exists()
    change = RoleChange.objects.get()
    assert (change.user, change.role, change.targets, change.action, change.actor) == (
        facilitator, "facilitator", [agora.pk], "revoked", organiser)


def test_facilitator_cannot_revoke_roles(manifesto, facilitator, agora, organiser):
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=facilitator, manifesto=manifesto, user=organiser, role="organiser")
    assert manifesto.organisers.filter(pk=organiser.pk).exists()


def test_first_organiser_invitation_makes_a_superuser(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_first_organiser(email="fondatrice@exemple.org")
    token = link_token(mailoutbox[-1])
    user = services.accept_with_new_account(
        token=token, first_name="Fanny", last_name="", username="fanny", password="une phrase longue 2024"
    )
    assert user.is_superuser and user.is_staff
    assert RoleChange.objects.get(user=user).role == "superuser"


def test_new_account_needs_a_good_password_and_a_free_username(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    _invitation, token = invite_and_read_token(
        django_capture_on_commit_callbacks, mailoutbox, actor=organiser, manifesto=manifesto, email="p@exemple.org",
        grants=[{"role": "collective"}],
    )
    with pytest.raises(InvalidInput):
        services.accept_with_new_account(token=token, first_name="P", last_name="", username="p", password="123")
    with pytest.raises(InvalidInput, match="déjà pris"):
        services.accept_with_new_account(token=token, first_name="P", last_name="", username=organiser.username,
                                         password="une phrase longue 2024")
    assert services.invitation_for_token(token).state == "pending"
    assert not manifesto.collective.exists()


def test_retention_deletes_closed_invitations_only(organiser, manifesto, settings):
    from deliberation.retention import apply_retention

    now = timezone.now()
    old = now - datetime.timedelta(days=settings.INVITATION_RETENTION_DAYS + 1)
    pending = services.invite(actor=organiser, manifesto=manifesto, email="a@exemple.org", grants=[{"role": "collective"}], send=False)
    expired = services.invite(actor=organiser, manifesto=manifesto, email="b@exemple.org", grants=[{"role": "collective"}], send=False)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=old)
    report = apply_retention(now=now)
    assert report.invitations_deleted == 1
    assert list(Invitation.objects.values_list("pk", flat=True)) == [pending.pk]
