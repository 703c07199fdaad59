"""Atom feeds, so that organisations follow a text in their own tools (a feed reader, a chat
bot). The base class here; the text's changes below; the answers and an agora's report live in
deliberation (deliberation/answers/feeds.py). Each feed shows what its public page shows, no more.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from manifesto import selectors
from manifesto.models import Manifesto
from manifesto.sharing.selectors import absolute

FEED_ITEMS = 50


@dataclass(frozen=True)
class Change:
    entry: selectors.HistoryEntry
    path: str  # the article's history at that revision


class AtomFeed(Feed):
    """Atom 1.0, every address absolute on SITE_URL (a feed is read far from the request's host)."""

    feed_type = Atom1Feed

    def feed_url(self, obj):
        return absolute(self.feed_path(obj))

    def feed_path(self, obj) -> str:
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Readers poll: a minute in any cache between them and us is fresh enough.
        response["Cache-Control"] = "public, max-age=60"
        return response


class TextChangesFeed(AtomFeed):
    """The text's changes: the latest revisions of its articles, newest first (the history page)."""

    def get_object(self, request, slug):
        return get_object_or_404(Manifesto, slug=slug)

    def feed_path(self, obj):
        return reverse("sharing:changes_feed", kwargs={"slug": obj.slug})

    def title(self, obj):
        return _("%(title)s — modifications du texte") % {"title": obj.title}

    def subtitle(self, obj):
        return _("Les dernières modifications du texte, de la plus récente à la plus ancienne.")

    def link(self, obj):
        return absolute(reverse("manifesto:history", kwargs={"slug": obj.slug}))

    def items(self, obj):
        entries = selectors.history_page(manifesto=obj, per_page=FEED_ITEMS).entries
        return [
            Change(entry, reverse("manifesto:clause", kwargs={"slug": obj.slug, "number": entry.number}) + f"?revision={entry.revision}")
            for entry in entries
        ]

    def item_title(self, change):
        entry = change.entry
        kinds = {
            "created": _("Création"),
            "changed": _("Texte modifié"),
            "moved": _("Déplacement"),
            "deleted": pgettext("historique : article supprimé", "Suppression"),
        }
        return _("Article %(number)s — %(change)s") % {"number": entry.number, "change": kinds.get(entry.kind, entry.kind)}

    def item_description(self, change):
        # The history page's own entry: the same words, diff and names as the public page.
        return render_to_string("manifesto/_entry.html", {"entry": change.entry})

    def item_link(self, change):
        return absolute(change.path)

    def item_guid(self, change):
        entry = change.entry
        return f"{absolute(change.path)}#{entry.kind}-{int(entry.date.timestamp() * 1_000_000)}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.entry.date

    def item_updateddate(self, change):
        return change.entry.date
