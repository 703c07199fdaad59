"""The parsed draft kept between the preview and the confirmation, in the person's session.

The session lives on the server (database sessions), so what is confirmed is what was parsed
and previewed: the browser only sends back the random token of the preview it saw. One draft
waits per session; a new preview replaces it, a confirmation or an abandon removes it.
"""

import secrets

from manifesto.drafting.structure import Draft

KEY = "drafting.pending"


def keep(request, *, kind: str, draft: Draft | None, source_name: str, fields: dict, manifesto_id: int | None = None) -> str:
    token = secrets.token_urlsafe(16)
    request.session[KEY] = {
        "token": token,
        "kind": kind,  # "new" | "import"
        "manifesto_id": manifesto_id,
        "user_id": request.user.pk,
        "source_name": source_name,
        "fields": fields,
        "draft": draft.as_data() if draft is not None else None,
    }
    return token


def read(request, *, kind: str, manifesto_id: int | None = None) -> dict | None:
    """The waiting draft of this kind (and text) for this person, or None."""
    pending = request.session.get(KEY)
    if not pending or pending.get("kind") != kind or pending.get("user_id") != request.user.pk:
        return None
    if pending.get("manifesto_id") != manifesto_id:
        return None
    return pending


def draft_of(pending: dict) -> Draft | None:
    return Draft.from_data(pending["draft"]) if pending.get("draft") else None


def forget(request) -> None:
    request.session.pop(KEY, None)
