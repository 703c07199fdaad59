import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas get passwords; the default hasher spends most of a test's set-up on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
