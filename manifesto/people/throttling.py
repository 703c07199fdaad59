"""Login throttling with django-axes (docs/people.md): after AXES_FAILURE_LIMIT failed attempts for
one username from one address, that pair is refused for AXES_COOLOFF_TIME, with a sentence and
`Retry-After`, never a silent lock.
"""

from django.conf import settings
from django.shortcuts import render

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' check, for logins that come with a request (the login page).

    Logins without one — the shell, `Client.login` in tests — are not guessing over the network:
    they pass on to the next backend instead of failing (axes refuses them outright).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    # daphne's --proxy-headers puts the client's address from X-Forwarded-For here behind the
    # proxy; reading the header here would let anyone pick the address they are counted under.
    return request.META.get("REMOTE_ADDR")


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    seconds = cool_off_seconds()
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": max(1, seconds // 60), "password_reset_url": "password_reset"},
        status=429,
    )
    # The whole cool-off from now: the lock ends at most that long after this (last) attempt.
    response["Retry-After"] = str(seconds)
    return response
