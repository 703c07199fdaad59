"""Read-only admin: changes go through deliberation.services, so the admin shows and searches."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from deliberation.models import AgoraPosition, Amendment, Comment, Support
from manifesto.admin import ReadOnlyAdminMixin as ReadOnlyMixin

from deliberation.adoption import admin as adoption_admin  # noqa: E402,F401  (the votes, never the ballots)


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "manifesto", "kind", "clause_number", "state", "outcome", "session", "created_at"]
    list_filter = ["state", "outcome", "kind", "manifesto"]
    search_fields = ["text", "justification", "author__display_name"]
    list_select_related = ["manifesto", "session__agora"]


@admin.register(Support)
class SupportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["amendment", "participant", "value", "updated_at"]
    list_filter = ["value"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["amendment", "stance", "created_at"]
    search_fields = ["text"]


@admin.register(AgoraPosition)
class AgoraPositionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["amendment", "agora", "position", "decided_at"]
    list_filter = ["position", "agora"]
    list_select_related = ["amendment", "agora"]
