"""Live turnout on the vote page: one read-only group per vote, each frame with the whole figures.

Not the journal (which also gets every turnout, for resuming clients): the vote page of a voter
on a phone only needs the latest figures, and a lost frame is corrected by the next one or by
the figures sent when the page (re)connects. Results are never sent here before close.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from deliberation.adoption import selectors

logger = logging.getLogger(__name__)


def turnout_frame(vote_id: int, figures: dict, *, closed: bool = False) -> str:
    data = {"vote_id": vote_id, "turnout": figures, "percent": selectors.turnout_percent(figures), "closed": closed}
    return json.dumps({"type": "adoption.turnout", "seq": None, "data": data}, ensure_ascii=False, separators=(",", ":"))


def _send(vote_id: int, frame: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(selectors.group_name(vote_id), {"type": "adoption.turnout", "frame": frame})
    except Exception:  # the change is committed; the page corrects itself on its next frame or reconnect
        logger.exception("turnout broadcast failed for vote %s", vote_id)


def turnout_changed(vote_id: int, figures: dict) -> None:
    _send(vote_id, turnout_frame(vote_id, figures))


def vote_closed(vote_id: int) -> None:
    from deliberation.adoption.models import AdoptionVote

    _send(vote_id, turnout_frame(vote_id, selectors.turnout(AdoptionVote(pk=vote_id)), closed=True))
