"""Passing a text on: link previews (Open Graph, Twitter cards) with a share image, share links,
an embeddable counter and badge for partner sites, and Atom feeds of the text's changes
(docs/publishing.md, « Partager et suivre »)."""
