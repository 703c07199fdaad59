"""The people pages over HTTP: the "Personnes" page, the invitation link, my account, password
reset and login throttling. Every refusal answers a sentence and changes nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from manifesto.models import Invitation, RoleChange
from manifesto.people import services
from tests.factories import make_agora, make_manifesto, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "une phrase longue 2024"


def people_url(manifesto) -> str:
    return reverse("people:people", kwargs={"slug": manifesto.slug})


def without_csrf(content: bytes) -> str:
    """A page with its CSRF tokens left out (each response masks the token afresh)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def token_in(message) -> str:
    return re.search(r"/invitation/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def invited(organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    """An invitation to the collective for claire@exemple.org, and its link's token."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(actor=organiser, manifesto=manifesto, email="claire@exemple.org",
                                     grants=[{"role": "collective"}])
    return invitation, token_in(mailoutbox[-1])


# ----------------------------------------------------------------------------- the people page


def test_organiser_invites_from_the_page_with_several_roles(client, organiser, manifesto, mailoutbox, django_capture_on_commit_callbacks):
    agora = make_agora(manifesto=manifesto)
    client.force_login(organiser)
    page = client.get(people_url(manifesto))
    assert page.status_code == 200 and "Agora de Lille" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(people_url(manifesto), {
            "email": "Karim@Exemple.org", "roles": ["facilitator", "collective"], "agoras": [agora.pk],
        })
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "karim@exemple.org"
    assert invitation.grants == [{"role": "collective"}, {"role": "facilitator", "targets": [agora.pk]}]
    assert mailoutbox[-1].to == ["karim@exemple.org"]
    listed = client.get(people_url(manifesto)).content.decode()
    assert "karim@exemple.org" in listed and "Agora de Lille" in listed


def test_no_form_value_can_grant_superuser(client, organiser, manifesto, mailoutbox):
    client.force_login(organiser)
    response = client.post(people_url(manifesto), {"email": "x@exemple.org", "roles": ["superuser"]})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode() or "valid choice" in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox


def test_facilitator_without_agoras_selected_gets_a_sentence(client, organiser, manifesto):
    make_agora(manifesto=manifesto)
    client.force_login(organiser)
    response = client.post(people_url(manifesto), {"email": "x@exemple.org", "roles": ["facilitator"]})
    assert response.status_code == 400
    assert "choisissez au moins une agora" in response.content.decode()
    assert not Invitation.objects.exists()


def test_facilitator_posting_to_the_people_page_is_refused(client, manifesto, facilitator, agora):
    client.force_login(facilitator)
    assert client.get(people_url(manifesto)).status_code == 403
    response = client.post(people_url(manifesto), {"email": "x@exemple.org", "roles": ["organiser"]})
    assert response.status_code == 403
    assert "Seuls les organisateur·rices de ce texte" in response.content.decode()
    assert not Invitation.objects.exists()


def test_co_organiser_cannot_invite_on_another_text(client, organiser, manifesto):
    other = make_manifesto(organiser=make_user("ailleurs"), sections=1, clauses=1)
    client.force_login(organiser)
    foreign_agora = make_agora(manifesto=other)
    assert client.post(people_url(other), {"email": "x@exemple.org", "roles": ["organiser"]}).status_code == 403
    # Nor can an agora of another text be slipped into this text's form.
    response = client.post(people_url(manifesto), {"email": "x@exemple.org", "roles": ["facilitator"],
                                                   "agoras": [foreign_agora.pk]})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_resend_and_revoke_from_the_page(client, organiser, manifesto, invited, mailoutbox, django_capture_on_commit_callbacks):
    invitation, first_token = invited
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:invitation_resend", kwargs={"slug": manifesto.slug, "pk": invitation.pk}))
    second_token = token_in(mailoutbox[-1])
    assert second_token != first_token and len(mailoutbox) == 2
    client.post(reverse("people:invitation_revoke", kwargs={"slug": manifesto.slug, "pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    page = client.get(reverse("people:accept", kwargs={"token": second_token}))
    assert page.status_code == 404 and "retirée" in page.content.decode()


def test_revoking_the_last_organiser_answers_a_sentence(client, organiser, manifesto):
    client.force_login(organiser)
    response = client.post(reverse("people:role_revoke", kwargs={"slug": manifesto.slug, "user_id": organiser.pk}),
                           {"role": "organiser"}, follow=True)
    assert "dernier organisateur" in response.content.decode()
    assert manifesto.organisers.filter(pk=organiser.pk).exists()


def test_revoking_a_facilitator_from_the_page_is_in_the_journal(client, organiser, manifesto, facilitator, agora):
    client.force_login(organiser)
    client.post(reverse("people:role_revoke", kwargs={"slug": manifesto.slug, "user_id": facilitator.pk}),
                {"role": "facilitator"})
    assert not agora.facilitators.filter(pk=facilitator.pk).exists()
    page = client.get(people_url(manifesto)).content.decode()
    assert "Rôle retiré" in page and facilitator.username in page


# ----------------------------------------------------------------------------- the invitation link


def test_new_person_creates_an_account_from_the_link(client, manifesto, invited):
    invitation, token = invited
    url = reverse("people:accept", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200 and 'value="claire"' in page.content.decode()
    response = client.post(url, {"first_name": "Claire", "last_name": "Dubois", "username": "claire",
                                 "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="claire")
    assert manifesto.collective.filter(pk=user.pk).exists()
    assert client.get(reverse("people:account")).status_code == 200  # logged in
    again = client.get(url)
    assert again.status_code == 404 and "déjà été acceptée" in again.content.decode()


def test_mismatched_passwords_change_nothing(client, manifesto, invited):
    _invitation, token = invited
    response = client.post(reverse("people:accept", kwargs={"token": token}), {
        "first_name": "Claire", "last_name": "", "username": "claire", "password1": PASSWORD, "password2": PASSWORD + "x",
    })
    assert response.status_code == 400 and "pas identiques" in response.content.decode()
    assert not get_user_model().objects.filter(username="claire").exists()


def test_forged_link_answers_a_sentence(client):
    page = client.get(reverse("people:accept", kwargs={"token": "x" * 43}))
    assert page.status_code == 404 and "pas valide" in page.content.decode()


def test_other_logged_in_account_is_refused_until_it_logs_out(client, outsider, manifesto, invited):
    _invitation, token = invited
    outsider.email = "paul@exemple.org"
    outsider.save()
    client.force_login(outsider)
    url = reverse("people:accept", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 403 and "Déconnectez-vous" in page.content.decode()
    assert client.post(url).status_code == 403
    assert not manifesto.collective.filter(pk=outsider.pk).exists()


def test_existing_account_accepts_with_one_button(client, manifesto, invited):
    _invitation, token = invited
    claire = make_user("claire-existante", email="claire@exemple.org")
    url = reverse("people:accept", kwargs={"token": token})
    assert "Un compte existe déjà" in client.get(url).content.decode()  # logged out: log in first
    client.force_login(claire)
    assert client.post(url).status_code == 302
    assert manifesto.collective.filter(pk=claire.pk).exists()
    assert RoleChange.objects.filter(user=claire, role="collective", action="granted").exists()


# ----------------------------------------------------------------------------- my account


def test_account_lists_my_roles_per_text_and_my_agoras(client, manifesto, facilitator, agora):
    client.force_login(facilitator)
    page = client.get(reverse("people:account")).content.decode()
    assert manifesto.title in page and "Animateur·rice" in page and agora.title in page


def test_change_email_needs_the_password(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("people:account_email"), {"email": "neuf@exemple.org", "password": "faux"})
    assert response.status_code == 400 and "pas le bon" in response.content.decode()
    client.post(reverse("people:account_email"), {"email": "Neuf@Exemple.org", "password": "motdepasse-de-test"})
    outsider.refresh_from_db()
    assert outsider.email == "neuf@exemple.org"


def test_language_is_kept_with_the_account_and_back_at_login(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("people:account_language"), {"language": "en"})
    assert response.cookies["django_language"].value == "en"
    client.logout()
    client.cookies.pop("django_language", None)
    login = client.post(reverse("login"), {"username": outsider.username, "password": "motdepasse-de-test"})
    assert login.status_code == 302 and login.cookies["django_language"].value == "en"


def test_delete_account_with_password(client, organiser, manifesto, facilitator, agora):
    client.force_login(facilitator)
    wrong = client.post(reverse("people:account_delete"), {"password": "faux"})
    assert wrong.status_code == 400
    assert get_user_model().objects.filter(pk=facilitator.pk).exists()
    client.post(reverse("people:account_delete"), {"password": "motdepasse-de-test"})
    assert not get_user_model().objects.filter(pk=facilitator.pk).exists()
    assert not agora.facilitators.exists()
    audit = RoleChange.objects.get(role="facilitator", action="revoked")
    assert audit.user is None and audit.user_label == ""


def test_last_organiser_cannot_delete_the_account(client, organiser, manifesto):
    client.force_login(organiser)
    response = client.post(reverse("people:account_delete"), {"password": "motdepasse-de-test"})
    assert response.status_code == 400 and "seule personne qui organise" in response.content.decode()
    assert get_user_model().objects.filter(pk=organiser.pk).exists()


def test_deleted_account_leaves_its_name_out_of_history_reasons(client, organiser, manifesto, clause):
    from manifesto import services as text_services

    co = make_user("co-organisatrice", first_name="Zoé", last_name="Marchand")
    manifesto.organisers.add(co)
    text_services.apply_clause_text(actor=co, clause=clause, text="Texte revu.", expected_revision=clause.revision,
                                    reason="Revu par Zoé Marchand")
    client.force_login(co)
    client.post(reverse("people:account_delete"), {"password": "motdepasse-de-test"})
    reasons = list(clause.history.values_list("history_change_reason", flat=True))
    assert not any("Zoé Marchand" in (reason or "") for reason in reasons)
    assert any("[compte supprimé]" in (reason or "") for reason in reasons)


# ----------------------------------------------------------------------------- password reset


def test_password_reset_end_to_end_and_same_answer_for_unknown_address(client, outsider, mailoutbox):
    outsider.email = "paul@exemple.org"
    outsider.save()
    url = reverse("people:password_reset")
    unknown = client.post(url, {"email": "personne@exemple.org"}, follow=True)
    known = client.post(url, {"email": "paul@exemple.org"}, follow=True)
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf(unknown.content) == without_csrf(known.content)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["paul@exemple.org"]
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", mailoutbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert "Mot de passe changé" in done.content.decode()
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)
    reused = client.get(set_url)
    assert "plus valide" in reused.content.decode()


def test_login_page_links_to_password_reset(client):
    assert reverse("people:password_reset") in client.get(reverse("login")).content.decode()


# ----------------------------------------------------------------------------- throttling


def test_login_is_locked_after_five_failures_with_a_sentence_and_retry_after(client, outsider):
    for _attempt in range(5):
        response = client.post(reverse("login"), {"username": outsider.username, "password": "faux"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "Trop de mots de passe erronés" in response.content.decode()
    # Even the right password is refused until the cool-off ends.
    locked = client.post(reverse("login"), {"username": outsider.username, "password": "motdepasse-de-test"})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_a_success_resets_the_failure_count(client, outsider):
    for _attempt in range(4):
        client.post(reverse("login"), {"username": outsider.username, "password": "faux"})
    assert client.post(reverse("login"), {"username": outsider.username, "password": "motdepasse-de-test"}).status_code == 302
    client.logout()
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": outsider.username, "password": "faux"})
    assert response.status_code == 200


def test_an_overlong_username_is_refused_with_a_sentence_not_stored(client, db):
    """Django's login form never validated its username's length; the throttle then tried to
    store 200,000 characters in a 255-character column (a 500 on PostgreSQL)."""
    from axes.models import AccessAttempt

    response = client.post("/connexion/", {"username": "x" * 200_000, "password": "nimporte"})
    assert response.status_code == 200
    assert "150 caractères" in response.content.decode()
    assert not AccessAttempt.objects.exists()
