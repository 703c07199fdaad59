"""The adoption vote in the admin: the votes, their rules and published results, read-only.

The roll, the "has voted" rows and the ballots are deliberately not registered: the admin must
not become the one page that shows a voter next to a ballot (docs/process.md, "Le secret du vote").
"""

from django.contrib import admin

from deliberation.adoption.models import AdoptionVote
from manifesto.admin import ReadOnlyAdminMixin


@admin.register(AdoptionVote)
class AdoptionVoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "manifesto", "state", "closes_at", "adopted", "quorum_reached", "proclaimed_at"]
    list_filter = ["state", "manifesto"]
    list_select_related = ["manifesto"]
    exclude = ["agoras"]
