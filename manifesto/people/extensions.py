"""Panels other apps add to "Mon compte", so that manifesto never imports them.

An app registers, from its AppConfig.ready, `render(request) -> str` (HTML from its own
template, "" for nothing): agora shows there the person's agoras and their open sessions.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_account_panels: list[Callable] = []


def account_panel(render: Callable) -> Callable:
    if render not in _account_panels:
        _account_panels.append(render)
    return render


def render_account_panels(request) -> list[SafeString]:
    # Each panel is rendered by a template of its app, which escapes user text.
    return [mark_safe(html) for html in (render(request) for render in _account_panels) if html]
