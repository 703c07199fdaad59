"""A refused action answers 403 with a sentence, and the log gets one line, not a traceback."""

import logging


def test_an_outsider_on_a_facilitators_page_gets_a_403_page_with_a_sentence(client, live_session, outsider, caplog):
    client.force_login(outsider)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/agoras/seance/{live_session.pk}/animer/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Action refusée" in html and "Rien n'a été modifié" in html
    refusals = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.WARNING]
    assert refusals and all(r.exc_info is None for r in refusals)
    assert "Traceback" not in caplog.text


def test_the_refusal_page_is_translated(client, live_session, outsider):
    client.force_login(outsider)
    response = client.get(f"/agoras/seance/{live_session.pk}/animer/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Action refused" in response.content.decode()
