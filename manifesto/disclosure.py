"""Opinions by group are published only for groups large enough not to single anyone out.

Supports and votes reveal political opinions. A breakdown by ESS family or territory with a
group of two people tells how those two voted, so every published breakdown goes through
`publishable_groups`: groups with fewer than MIN_PUBLISHED_GROUP voices are left out, and
when the overall totals (always published) would let the left-out part be worked out by
subtraction, more groups are left out until that part holds at least as many voices too.
"""

from django.conf import settings


def publishable_groups(groups: dict[str, dict[str, int]], *, minimum: int | None = None) -> dict[str, dict[str, int]]:
    """`groups` ({group: {value: count}}) without the groups too small to publish."""
    minimum = settings.MIN_PUBLISHED_GROUP if minimum is None else minimum
    sizes = {group: sum(counts.values()) for group, counts in groups.items()}
    hidden = {group for group, size in sizes.items() if 0 < size < minimum}
    if hidden:
        # The hidden part is the totals minus what is shown: it must be as large as a group.
        shown_smallest_first = sorted((size, group) for group, size in sizes.items() if group not in hidden)
        while sum(sizes[group] for group in hidden) < minimum and shown_smallest_first:
            hidden.add(shown_smallest_first.pop(0)[1])
    return {group: counts for group, counts in groups.items() if group not in hidden and sizes[group] > 0}
