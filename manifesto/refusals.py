"""Refusals that Django answers on its own, given a sentence like every other refusal.

`require_POST` and `require_GET` answer 405 with an empty body, and Django's 404 page knows only
"Not Found": a person who followed a stale link or a tool that sent the wrong method reads why,
in the page's language (templates/404.html, 400.html and 405.html).
"""

from django.shortcuts import render


class ExplainMethodRefusal:
    """An empty 405 becomes a page that names the methods the address takes (Allow is kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        allowed = response.get("Allow", "")
        page = render(request, "405.html", {"method": request.method[:10], "allowed": allowed}, status=405)
        page["Allow"] = allowed
        return page
