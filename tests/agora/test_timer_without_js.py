"""Without JavaScript the countdown says what its time is: the end, and the minutes left when the
page was loaded ("Minuteur 01:13" was the end time, read as the time left)."""

import datetime
import re

import pytest
from django.utils import timezone

from agora.models import LiveSession
from agora.templatetags.live_timer import timer_words

pytestmark = pytest.mark.django_db


def test_the_console_says_until_when_and_how_long_is_left(client, live_session, facilitator):
    ends = timezone.now() + datetime.timedelta(minutes=4, seconds=30)
    LiveSession.objects.filter(pk=live_session.pk).update(timer_ends_at=ends)
    client.force_login(facilitator)
    page = client.get(f"/agoras/seance/{live_session.pk}/animer/").content.decode()
    timer = re.search(r'data-bind="timer"[^>]*>([^<]*)<', page).group(1)
    end = timezone.localtime(ends).strftime("%H:%M")
    assert timer == f"jusqu&#x27;à {end} (encore 5 minutes au chargement de la page)" or timer == f"jusqu'à {end} (encore 5 minutes au chargement de la page)", timer


def test_an_ended_countdown_says_it_ended():
    now = timezone.now()
    assert timer_words(now - datetime.timedelta(minutes=1), now=now).startswith("terminé à ")
    assert timer_words(None) == "—"
    assert "1 minute au" in timer_words(now + datetime.timedelta(seconds=20), now=now)
