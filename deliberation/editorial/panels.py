"""The desk's entry on manifesto's reading page: for members of the editorial collective only,
how many proposals wait for an answer and a link to the desk."""

from django.template.loader import render_to_string

from deliberation.editorial.selectors import pending_amendments
from manifesto.extensions import manifesto_panel
from manifesto.permissions import is_collective_member


@manifesto_panel
def desk_entry(request, manifesto) -> str:
    if not is_collective_member(request.user, manifesto):
        return ""
    waiting = pending_amendments(manifesto).count()
    return render_to_string("deliberation/editorial/_entry.html", {"manifesto": manifesto, "waiting": waiting}, request=request)
