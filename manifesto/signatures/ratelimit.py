"""Per-IP rate limits on Django's cache (Redis in production), with an allow-list of networks."""

import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache


@lru_cache(maxsize=8)
def _allowlist(networks: tuple[str, ...]):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def is_allowlisted(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in _allowlist(tuple(settings.SIGNATURE_RATE_ALLOWLIST)))


def hit(*, scope: str, ip: str | None) -> bool:
    """Count one request from `ip` in the current window; False when it goes over the limit."""
    if is_allowlisted(ip):
        return True
    window = settings.SIGNATURE_RATE_WINDOW_SECONDS
    bucket = int(time.time()) // window
    # The key holds the address only while its window lasts; it never reaches the database.
    key = f"sigrate:{scope}:{ip or 'unknown'}:{bucket}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 5)
            count = 1
    return count <= settings.SIGNATURE_RATE_LIMIT
