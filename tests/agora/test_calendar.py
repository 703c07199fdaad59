"""Each agora as an iCalendar file: the .ics page and the registration email's attachment."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from agora import services
from tests.factories import make_agora

pytestmark = pytest.mark.django_db


def paris(*args):
    from django.utils import timezone

    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


@pytest.fixture
def dated_agora(manifesto, facilitator):
    return make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora de Lille",
                      starts_at=paris(2030, 3, 14, 18, 30), ends_at=paris(2030, 3, 14, 21, 30),
                      description="Sur le préambule.")


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_ics_parses_back_with_the_times_in_utc(client, dated_agora, settings):
    response = client.get(reverse("agora:calendar", kwargs={"slug": dated_agora.slug}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f'filename="agora-{dated_agora.slug}.ics"' in response["Content-Disposition"]
    calendar, event = event_of(response.content)
    assert calendar["VERSION"] == "2.0"
    assert event.decoded("DTSTART") == datetime(2030, 3, 14, 17, 30, tzinfo=UTC)  # 18:30 in Paris, winter time
    assert event.decoded("DTEND") == datetime(2030, 3, 14, 20, 30, tzinfo=UTC)
    assert b"DTSTART:20300314T173000Z" in response.content
    assert str(event["SUMMARY"]) == "Agora de Lille"
    assert str(event["LOCATION"]) == "Maison de l'ESS, Lille, Nord"
    url = settings.SITE_URL + dated_agora.get_absolute_url()
    assert str(event["URL"]) == url and url in str(event["DESCRIPTION"]) and "Sur le préambule." in str(event["DESCRIPTION"])


def test_the_uid_is_stable_per_agora(client, dated_agora, manifesto):
    other = make_agora(manifesto=manifesto, title="Agora de Douai")
    first = event_of(client.get(reverse("agora:calendar", kwargs={"slug": dated_agora.slug})).content)[1]["UID"]
    again = event_of(client.get(reverse("agora:calendar", kwargs={"slug": dated_agora.slug})).content)[1]["UID"]
    elsewhere = event_of(client.get(reverse("agora:calendar", kwargs={"slug": other.slug})).content)[1]["UID"]
    assert first == again and first != elsewhere and str(first).startswith(f"agora-{dated_agora.pk}@")


def test_the_agora_page_links_its_ics(client, dated_agora):
    page = client.get(dated_agora.get_absolute_url()).content.decode()
    assert reverse("agora:calendar", kwargs={"slug": dated_agora.slug}) in page


def test_the_online_space_has_no_ics(client, organiser, manifesto):
    services.open_online_proposals(actor=organiser, manifesto=manifesto)
    space = manifesto.agoras.get(is_online_space=True)
    assert client.get(reverse("agora:calendar", kwargs={"slug": space.slug})).status_code == 404


def test_the_registration_email_carries_the_ics(client, dated_agora, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(dated_agora.get_absolute_url(), {"name": "Léa", "email": "lea@example.org", "consent": "on"})
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lea@example.org"] and "Un rappel vous sera envoyé la veille." in message.body
    [(name, content, mimetype)] = message.attachments
    assert name == f"agora-{dated_agora.slug}.ics" and mimetype == "text/calendar"
    event = event_of(content if isinstance(content, bytes) else content.encode())[1]
    assert event.decoded("DTSTART") == datetime(2030, 3, 14, 17, 30, tzinfo=UTC)
    # The attachment goes out as text/calendar in the message itself.
    assert "Content-Type: text/calendar" in message.message().as_string()


def test_a_full_agora_refuses_registration_with_a_sentence(client, dated_agora):
    dated_agora.capacity = 1
    dated_agora.save(update_fields=["capacity"])
    assert "1 place libre sur 1" in client.get(dated_agora.get_absolute_url()).content.decode()
    client.post(dated_agora.get_absolute_url(), {"name": "Léa", "email": "lea@example.org", "consent": "on"})
    page = client.get(dated_agora.get_absolute_url()).content.decode()
    assert "Complet (1 place)" in page and "Je m&#x27;inscris" not in page
    with pytest.raises(services.InvalidInput, match="Cette agora est complète"):
        services.register(agora=dated_agora, name="Paul", email="paul@example.org", consent=True)
    assert dated_agora.registrations.count() == 1


def test_an_organiser_sets_the_capacity_when_creating_an_agora(client, organiser, manifesto):
    client.force_login(organiser)
    client.post("/agoras/nouvelle/", {
        "manifesto": manifesto.pk, "title": "Agora de Rennes", "starts_at": "2030-12-03T18:00",
        "ends_at": "2030-12-03T21:00", "venue": "Le Tiers-Lieu, Rennes", "capacity": "25"})
    assert manifesto.agoras.get(title="Agora de Rennes").capacity == 25
    page = client.post("/agoras/nouvelle/", {
        "manifesto": manifesto.pk, "title": "Agora de Vannes", "starts_at": "2030-12-03T18:00",
        "ends_at": "2030-12-03T21:00", "venue": "Vannes", "capacity": "0"})
    assert page.status_code == 200 and not manifesto.agoras.filter(title="Agora de Vannes").exists()
