"""System checks of the configuration that Django cannot know is wrong.

SITE_URL is the base of every link that leaves the site (emails, the join link and its QR code,
PDFs): if it is left at its development default, or names a host the site does not answer
to, nobody can follow those links. Run by `migrate` and `check` (`check --deploy` included),
and logged when the ASGI application starts (config/asgi.py).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import split_domain_port, validate_host

SITE_URL_UNSET = "site_config.W001"
SITE_URL_HOST_NOT_ALLOWED = "site_config.W002"


@checks.register()
def site_url_is_reachable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # In development (`make run`), the Makefile derives SITE_URL from the port it serves on.
    if settings.DEBUG:
        return []
    if not settings.SITE_URL_IS_SET:
        return [
            checks.Warning(
                "SITE_URL is not set: links in emails, the join link and its QR code do not point to "
                f"this site's public address ({settings.SITE_URL or 'no address at all'}).",
                hint="Set SITE_URL to the address people use, e.g. SITE_URL=https://coecrire.example.",
                id=SITE_URL_UNSET,
            )
        ]
    parts = urlsplit(settings.SITE_URL)
    host, _port = split_domain_port(parts.netloc.lower())
    if parts.scheme not in ("http", "https") or not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return [
            checks.Warning(
                f"SITE_URL ({settings.SITE_URL}) names a host that is not in ALLOWED_HOSTS "
                f"({', '.join(settings.ALLOWED_HOSTS) or 'empty'}): its links would be refused.",
                hint="Make SITE_URL an http(s) address whose host is one of ALLOWED_HOSTS.",
                id=SITE_URL_HOST_NOT_ALLOWED,
            )
        ]
    return []


def log_configuration_warnings(logger) -> None:
    """Say at start-up what `check` would say, since daphne runs no system checks."""
    for message in site_url_is_reachable():
        logger.warning("%s (%s) %s", message.msg, message.id, message.hint or "")
