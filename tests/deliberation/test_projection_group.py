"""The projector's layout commands: amendments side by side (session.show_amendments), the join box
shrunk (session.set_join_box), and the focused article's numbered lines the projector fetches."""

import pytest
from django.urls import reverse

from agora import services as agora_services
from deliberation import services
from deliberation.errors import InvalidInput, PermissionDenied
from deliberation.models import Projection
from deliberation.permissions import Actor
from manifesto import lines
from manifesto.models import Event
from manifesto.vocabulary import validate_event
from tests.deliberation.conftest import make_participant

pytestmark = pytest.mark.django_db


def propose(participant, session, clause, text):
    return services.propose_amendment(actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text=text)


def test_two_amendments_side_by_side_are_journaled_in_order(live_session, participant, facilitator, clause):
    other = make_participant(live_session, "Yanis")
    first = propose(participant, live_session, clause, clause.text.replace("première", "seconde"))
    second = propose(other, live_session, clause, clause.text.replace("première", "dernière"))
    services.show_amendments(actor=Actor(user=facilitator), session=live_session, amendment_ids=[second.pk, first.pk])
    event = Event.objects.filter(type="session.amendment_shown").latest("seq")
    validate_event(event.type, event.data)
    assert [g["amendment"]["id"] for g in event.data["group"]] == [second.pk, first.pk]
    assert event.data["amendment"]["id"] == second.pk
    assert event.data["citation"].startswith(f"article {clause.number}, l.")
    assert Projection.objects.get(session=live_session).group == [second.pk, first.pk]
    services.show_amendment(actor=Actor(user=facilitator), session=live_session, amendment_id=first.pk)
    event = Event.objects.filter(type="session.amendment_shown").latest("seq")
    assert event.data["group"] == [] and event.data["amendment"]["id"] == first.pk


def test_at_most_four_side_by_side_and_only_facilitators(live_session, participant, facilitator, clause):
    ids = [propose(participant, live_session, clause, f"Version {n}.").pk for n in range(5)]
    with pytest.raises(InvalidInput):
        services.show_amendments(actor=Actor(user=facilitator), session=live_session, amendment_ids=ids)
    with pytest.raises(PermissionDenied):
        services.show_amendments(actor=Actor(participant=participant), session=live_session, amendment_ids=ids[:2])
    assert not Event.objects.filter(type="session.amendment_shown").exists()


def test_the_join_box_is_shrunk_by_a_facilitator_only(live_session, participant, facilitator):
    with pytest.raises(PermissionDenied):
        services.set_join_box(actor=Actor(participant=participant), session=live_session, small=True)
    services.set_join_box(actor=Actor(user=facilitator), session=live_session, small=True)
    event = Event.objects.filter(type="session.join_box_changed").latest("seq")
    validate_event(event.type, event.data)
    assert event.data == {"session_id": live_session.pk, "small": True}
    assert Projection.objects.get(session=live_session).join_small


def test_the_projector_page_and_its_article_use_the_texts_line_numbers(client, live_session, facilitator, clause, manifesto):
    agora_services.set_focus(actor=facilitator, session=live_session, clause_id=clause.pk)
    client.force_login(facilitator)
    data = client.get(reverse("agora:projector_article", args=[live_session.pk])).json()
    from manifesto.selectors import current_numbering

    expected = current_numbering(manifesto).clause(clause.number)
    assert data["clause"] == {"id": clause.pk, "number": clause.number}
    assert [line["number"] for line in data["lines"]] == [line.number for line in expected.lines]
    assert data["lines"][0]["text"] == expected.lines[0].text
    page = client.get(reverse("agora:projector", args=[live_session.pk])).content.decode()
    assert f'<span class="ln" aria-hidden="true">{expected.first}</span>' in page
    assert lines.LINE_LENGTH  # the same numbering as the reading page and the PDFs


def test_the_no_javascript_forms_show_side_by_side_and_shrink(client, live_session, participant, facilitator, clause):
    first = propose(participant, live_session, clause, "Un.")
    second = propose(participant, live_session, clause, "Deux.")
    client.force_login(facilitator)
    console = reverse("agora:console", args=[live_session.pk])
    response = client.post(reverse("deliberation:show_on_projector", args=[live_session.pk]),
                           {"amendment_id": [first.pk, second.pk], "next": console})
    assert response.status_code == 302 and response["Location"] == console
    assert Projection.objects.get(session=live_session).group == [first.pk, second.pk]
    client.post(reverse("deliberation:join_box", args=[live_session.pk]), {"small": "1"})
    assert Projection.objects.get(session=live_session).join_small
    page = client.get(reverse("agora:projector", args=[live_session.pk])).content.decode()
    assert 'data-count="2"' in page and "data-join-small" in page


def test_an_outsider_cannot_read_the_projectors_article(client, live_session, outsider):
    client.force_login(outsider)
    assert client.get(reverse("agora:projector_article", args=[live_session.pk])).status_code == 403
