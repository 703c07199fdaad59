"""Panels that other apps add to manifesto's pages, so that manifesto never imports them.

An app registers, from its AppConfig.ready, a function `panel(request, clause) -> str` (HTML it
rendered itself, user text escaped); the clause page shows every panel after the text. Likewise
`manifesto_panel(request, manifesto) -> str` for the manifesto's page (empty string: no panel).
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_clause_panels: list[Callable] = []
_manifesto_panels: list[Callable] = []


def clause_panel(render: Callable) -> Callable:
    if render not in _clause_panels:
        _clause_panels.append(render)
    return render


def render_clause_panels(request, clause) -> list[SafeString]:
    # Each panel is rendered by a template of its app, which escapes user text.
    return [mark_safe(render(request, clause)) for render in _clause_panels]


def manifesto_panel(render: Callable) -> Callable:
    """Register `render(request, manifesto) -> str`, shown on the manifesto's page above the text."""
    if render not in _manifesto_panels:
        _manifesto_panels.append(render)
    return render


def render_manifesto_panels(request, manifesto) -> list[SafeString]:
    return [mark_safe(html) for html in (render(request, manifesto) for render in _manifesto_panels) if html]


# Links that other apps add to the manifesto's navigation: fn(request, manifesto) -> (label, url) or None.
_nav_links: list[Callable] = []


def nav_link(fn: Callable) -> Callable:
    if fn not in _nav_links:
        _nav_links.append(fn)
    return fn


def nav_links(request, manifesto) -> list[tuple[str, str]]:
    return [link for fn in _nav_links if (link := fn(request, manifesto))]


# The home page, role by role. Other apps add what their people need there, without manifesto
# importing them: `home_panel(request) -> str` (HTML rendered by the app's own template, "" for
# nothing), shown above the texts; `dashboard_links(request, manifesto) -> [(label, url), ...]`,
# the organiser's (or the collective's) pages of that text, listed under it.
_home_panels: list[Callable] = []
_dashboard_links: list[Callable] = []


def home_panel(render: Callable) -> Callable:
    if render not in _home_panels:
        _home_panels.append(render)
    return render


def render_home_panels(request) -> list[SafeString]:
    return [mark_safe(html) for html in (render(request) for render in _home_panels) if html]


def dashboard_links(fn: Callable) -> Callable:
    if fn not in _dashboard_links:
        _dashboard_links.append(fn)
    return fn


def manifesto_dashboard_links(request, manifesto) -> list[tuple[str, str]]:
    return [link for fn in _dashboard_links for link in fn(request, manifesto)]


# Atom feeds of other apps about a text (deliberation's answers): fn(manifesto) -> (title, url),
# announced in the reading page's <head> (<link rel="alternate">) beside the text's own feed.
_feeds: list[Callable] = []


def feed(fn: Callable) -> Callable:
    if fn not in _feeds:
        _feeds.append(fn)
    return fn


def manifesto_feeds(manifesto) -> list[tuple[str, str]]:
    return [link for fn in _feeds if (link := fn(manifesto))]
