"""The pages of contributions, without JavaScript: browse, post with an address, confirm, support,
moderate, answer, draft; the article's "Contributions reprises"."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from agora.services import remember_participant
from deliberation.contributions.models import Contribution, ContributionState, ContributionSupport
from manifesto import stage_services
from tests.contributions.conftest import CONFIRM_LINK, as_participant, post
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def url(name, manifesto, **kwargs):
    return reverse(f"contributions:{name}", kwargs={"slug": manifesto.slug, **kwargs})


def bind(client, participant):
    session = client.session
    remember_participant(session, participant)
    session.save()


def test_list_page_offers_the_form_and_the_filters(client, in_contributions, participant):
    post(as_participant(participant), in_contributions, title="Idée <script>x</script>")
    html = client.get(url("list", in_contributions)).content.decode()
    assert "Idée &lt;script&gt;x&lt;/script&gt;" in html
    assert 'name="email"' in html and 'name="tri"' in html and 'type="search"' in html
    assert url("list", in_contributions) in client.get(in_contributions.get_absolute_url()).content.decode()  # nav link


def test_outside_the_stage_the_page_says_why_there_is_no_form(client, in_contributions, organiser):
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="agoras")
    html = client.get(url("list", in_contributions)).content.decode()
    assert "n&#x27;est pas possible à l&#x27;étape « Agoras »" in html
    response = client.post(url("post", in_contributions), {"title": "T", "text": "X", "theme": "new", "new_theme": "Neuf",
                                                            "display_name": "A", "email": "a@example.org", "consent": "on"})
    assert response.status_code == 400 and "« Agoras »" in response.content.decode()
    assert not Contribution.objects.exists() and not mail.outbox


def test_online_posting_confirm_then_support_from_the_same_browser(client, in_contributions, participant, django_capture_on_commit_callbacks):
    theirs = post(as_participant(participant), in_contributions, title="Celle d'Amina")
    section = in_contributions.sections.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("post", in_contributions), {
            "title": "Mutualiser le risque", "text": "Un fonds commun.", "theme": str(section.pk), "new_theme": "", "clause": "",
            "display_name": "Claire", "email": "claire@example.org", "organisation": "", "ess_family": "mutuelle", "territory": "35",
            "consent": "on",
        })
    assert response.status_code == 200 and "Vérifiez vos e-mails" in response.content.decode()
    pending = Contribution.objects.get(title="Mutualiser le risque")
    assert pending.state == ContributionState.PENDING
    assert client.get(pending.get_absolute_url()).status_code == 404  # not public before the address is confirmed
    token = CONFIRM_LINK.findall(mail.outbox[-1].body)[-1]
    confirmed = client.get(reverse("contributions:confirm", kwargs={"token": token}), follow=True)
    assert "Votre adresse est confirmée" in confirmed.content.decode()
    assert Contribution.objects.get(pk=pending.pk).state == ContributionState.PUBLISHED
    client.post(url("support", in_contributions, number=theirs.number), {"value": "pour"})
    support = ContributionSupport.objects.get()
    assert support.voter.startswith("contributor:") and support.ess_family == "mutuelle"
    assert client.get(reverse("contributions:confirm", kwargs={"token": token})).status_code == 404


def test_a_participant_of_the_room_posts_from_the_same_browser_without_email(client, in_contributions, participant):
    bind(client, participant)
    response = client.post(url("post", in_contributions), {"title": "Depuis la salle", "text": "Oui.", "theme": "new", "new_theme": "Jeunesse"})
    contribution = Contribution.objects.get()
    assert response.status_code == 302 and response["Location"] == contribution.get_absolute_url()
    assert contribution.participant == participant and not mail.outbox


def test_moderation_is_refused_to_outsiders_and_done_by_facilitators(client, in_contributions, participant, facilitator, outsider):
    contribution = post(as_participant(participant), in_contributions)
    client.force_login(outsider)
    response = client.post(url("hide", in_contributions, number=contribution.number), {"reason": "Non"})
    assert response.status_code == 403 and "collectif de rédaction" in response.content.decode()
    assert Contribution.objects.get().state == ContributionState.PUBLISHED
    client.force_login(facilitator)
    client.post(url("hide", in_contributions, number=contribution.number), {"reason": "Propos injurieux"})
    assert Contribution.objects.get().state == ContributionState.HIDDEN
    client.logout()
    # Visitors keep the number and the reason (docs/process.md), not the words.
    tombstone = client.get(contribution.get_absolute_url())
    assert tombstone.status_code == 200 and "Propos injurieux" in tombstone.content.decode()
    assert contribution.text not in tombstone.content.decode()


def test_the_collective_answers_and_the_article_shows_where_it_comes_from(client, in_contributions, participant, organiser):
    contribution = post(as_participant(participant), in_contributions, title="Coopérer")
    member = make_user("collectif", first_name="Rose")
    in_contributions.collective.add(member)
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="redaction")
    clause = in_contributions.clauses.order_by("number").first()
    client.force_login(member)
    draft_url = url("draft", in_contributions) + f"?article={clause.number}&contribution={contribution.pk}"
    page = client.get(draft_url).content.decode()
    assert escape(clause.text) in page and "Coopérer" in page
    response = client.post(draft_url, {"contributions": [str(contribution.pk)], "clause": clause.number, "section": "",
                                      "text": "Nous coopérons.", "expected_revision": clause.revision})
    assert response.status_code == 302
    detail = client.get(contribution.get_absolute_url()).content.decode()
    assert "Reprise dans l&#x27;article" in detail and f'/article/{clause.number}/' in detail
    article = client.get(clause.get_absolute_url()).content.decode()
    assert "Contributions reprises" in article and "Coopérer" in article


def test_drafting_page_is_refused_to_those_outside_the_collective(client, in_contributions, facilitator):
    client.force_login(facilitator)
    assert client.get(url("draft", in_contributions)).status_code == 403


def test_the_live_room_shows_contributions_and_their_form_during_the_stage(client, in_contributions, participant, live_session, organiser):
    post(as_participant(participant), in_contributions, title="Déjà là")
    bind(client, participant)
    html = client.get(reverse("agora:room", kwargs={"pk": live_session.pk})).content.decode()
    assert "data-live-contributions" in html and "Déjà là" in html and "data-contribution-form" in html
    stage_services.open_stage(actor=organiser, manifesto=in_contributions, kind="agoras")
    html = client.get(reverse("agora:room", kwargs={"pk": live_session.pk})).content.decode()
    assert "Déjà là" in html and "data-contribution-form" not in html


def test_the_room_of_a_manifesto_without_contributions_shows_no_panel(client, manifesto, participant, live_session):
    bind(client, participant)
    assert "data-live-contributions" not in client.get(reverse("agora:room", kwargs={"pk": live_session.pk})).content.decode()
