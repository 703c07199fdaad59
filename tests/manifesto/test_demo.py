"""The demo text: realistic in size, with history and a frozen version, and loaded only once."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from manifesto.demo import DEMO_PASSWORD, DEMO_SLUG
from manifesto.models import Clause, Event, Manifesto, ManifestoStatus, ManifestoVersion, Section


def counts():
    return {
        "users": get_user_model().objects.count(),
        "manifestos": Manifesto.objects.count(),
        "sections": Section.objects.count(),
        "clauses": Clause.objects.count(),
        "clause history": Clause.history.count(),
        "versions": ManifestoVersion.objects.count(),
        "events": Event.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing_the_second_time(db):
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert first["manifestos"] == 2  # the single-agora text (room mode) and the collective one


def test_demo_is_a_drafting_manifesto_with_history_and_two_frozen_versions(db, client):
    call_command("load_demo", stdout=StringIO())
    manifesto = Manifesto.objects.get(slug=DEMO_SLUG)
    assert manifesto.status == ManifestoStatus.DRAFTING
    assert 5 <= manifesto.sections.count() <= 8
    assert 20 <= manifesto.clauses.count() <= 40
    assert manifesto.versions.count() == 2
    assert Clause.history.filter(manifesto_id=manifesto.pk, revision__gte=2).exclude(history_change_reason="").exists()
    assert manifesto.clauses.filter(revision__gte=3).exists()

    for new in ("2", "actuel"):
        comparison = client.get(reverse("manifesto:compare", kwargs={"slug": manifesto.slug}) + f"?old=1&new={new}")
        assert all(comparison.context["comparison"].counts[kind] >= 1 for kind in ("added", "removed", "moved", "changed"))
    for number in range(1, manifesto.last_clause_number + 1):
        page = reverse("manifesto:clause", kwargs={"slug": manifesto.slug, "number": number})
        assert client.get(page).status_code == 200


def test_demo_accounts_log_in_and_the_organiser_may_edit(db, client):
    call_command("load_demo", stdout=StringIO())
    manifesto = Manifesto.objects.get(slug=DEMO_SLUG)
    assert client.login(username="animateur", password=DEMO_PASSWORD)
    assert client.get(reverse("manifesto:edit", kwargs={"slug": manifesto.slug})).status_code == 403
    assert client.login(username="organisatrice", password=DEMO_PASSWORD)
    assert client.get(reverse("manifesto:edit", kwargs={"slug": manifesto.slug})).status_code == 200
    clause = manifesto.clauses.get(number=26)
    assert client.get(reverse("admin:manifesto_clause_changelist")).status_code == 200
    history = client.get(reverse("admin:manifesto_clause_history", args=[clause.pk]))
    assert "Précision demandée par l&#x27;agora de Marseille" in history.content.decode()
    # The admin only reads the text: writes go through the services.
    change = client.post(reverse("admin:manifesto_clause_change", args=[clause.pk]), {"text": "Écrit par l'admin."})
    assert change.status_code == 403
    clause.refresh_from_db()
    assert clause.text != "Écrit par l'admin."
