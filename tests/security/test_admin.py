"""The admin never writes what the services own: no add, change or delete for a superuser either."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from tests.factories import make_user

# Set-up objects an organiser may still edit in the admin (nothing live or journaled hangs on
# their edit); neither may be deleted there.
CONFIGURATION = {"manifesto.Manifesto", "agora.Agora"}
OUR_APPS = {"manifesto", "agora", "deliberation"}


def registered():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OUR_APPS:
            yield model._meta.label, model_admin


@pytest.mark.django_db
@pytest.mark.parametrize("label,model_admin", list(registered()), ids=lambda value: str(value))
def test_admin_cannot_add_change_or_delete_what_the_services_own(label, model_admin):
    request = RequestFactory().get("/admin/")
    request.user = make_user("root", is_superuser=True, is_staff=True)
    assert not model_admin.has_delete_permission(request), label
    if label not in CONFIGURATION:
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label


@pytest.mark.django_db
def test_a_superuser_cannot_edit_or_delete_a_live_session_or_participant_over_http(client):
    from agora import services
    from agora.models import LiveSession, Participant
    from tests.factories import make_agora, make_manifesto

    root = make_user("root", is_superuser=True, is_staff=True)
    manifesto = make_manifesto(organiser=root)
    agora = make_agora(manifesto=manifesto, facilitators=[root])
    session = services.open_session(actor=root, agora=agora)
    participant = services.join(session=session, display_name="Camille")
    client.force_login(root)

    for model, obj in ((LiveSession, session), (Participant, participant)):
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}"
        assert client.post(f"{base}/change/", {"phase": "closed", "removed_at_0": "2026-01-01"}).status_code == 403
        assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    session.refresh_from_db()
    assert session.closed_at is None
    assert Participant.objects.get(pk=participant.pk).removed_at is None
