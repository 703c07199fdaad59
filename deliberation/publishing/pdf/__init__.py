"""PDFs people print, file and sign (WeasyPrint): the text, the public list of signatories.

Rendered from ordinary Django templates with their own print stylesheet
(static/css/pdf.css, read from disk: no network access while rendering). A PDF depends only
on what it shows, so it is cached under a key of that content (a frozen version's id, the
journal's seq, the signature count) and generated at most once per change. Generation is a
plain synchronous function: under daphne a sync view runs in its own worker thread, never on
the event loop.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"
CACHE_SECONDS = 24 * 3600
# How long readers wait for another request's build of the same PDF before building it themselves.
BUILD_LOCK_SECONDS = 30


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (embedded: the PDF needs no file or network)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def public_url(path: str) -> str:
    return settings.SITE_URL + path


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, paid only by the first PDF

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def cached_pdf(key: str, build, *, timeout: int = CACHE_SECONDS) -> bytes:
    """The PDF under `key`, built by `build()` on a miss, by one request at a time.

    A PDF takes seconds to build: when a link is shared, many readers miss the cache at once.
    The first takes a lock (shared by every process through the cache) and builds; the others
    wait for its result rather than building the same PDF again, and build it themselves only
    if it does not come in time (the builder failed or died).
    """
    full_key = f"pdf:{key}"
    pdf = cache.get(full_key)
    if pdf is not None:
        return pdf
    lock_key = f"{full_key}:building"
    if not cache.add(lock_key, 1, BUILD_LOCK_SECONDS):
        deadline = time.monotonic() + BUILD_LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.2)
            pdf = cache.get(full_key)
            if pdf is not None:
                return pdf
    try:
        pdf = build()
        cache.set(full_key, pdf, timeout)
    finally:
        cache.delete(lock_key)
    return pdf
