"""The demo data: amendments on the demo agora, loaded once."""

from django.core.management import call_command

from deliberation.models import Amendment, AmendmentState, Support


def test_load_demo_adds_amendments_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    states = sorted(Amendment.objects.values_list("state", flat=True))
    assert states == [AmendmentState.OPEN, AmendmentState.REJECTED]
    assert Support.objects.count() == 3
