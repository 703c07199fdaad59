"""Django admin for the text.

Sections, clauses and versions are read-only here: the services are the only writers (they
bump revisions, journal events and keep history), so the admin is for looking, with each
object's full history through SimpleHistoryAdmin. Edit the text from the site's own pages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from manifesto.models import Clause, Manifesto, ManifestoVersion, Section


class ReadOnlyAdminMixin:
    """For every model the services own (tracked by history, journaled, or personal data).

    Used by every app's admin: a change or deletion here would skip the journal (nobody live
    hears of it), the history reason and the permission checks.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Manifesto)
class ManifestoAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["organisers"]
    # Status changes go through services.set_status so that live clients hear of them.
    readonly_fields = ["status", "last_seq", "last_clause_number", "created_at"]
    prepopulated_fields = {"slug": ["title"]}

    def has_delete_permission(self, request, obj=None):
        return False  # it would take the journal, the history and every signature with it


@admin.register(Section)
class SectionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "manifesto", "position"]
    list_filter = ["manifesto"]
    search_fields = ["title"]


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "manifesto", "section", "position", "revision", "short_text"]
    list_filter = ["manifesto"]
    search_fields = ["text"]
    history_list_display = ["revision", "text"]

    @admin.display(description=_("texte"))
    def short_text(self, clause: Clause) -> str:
        return clause.text if len(clause.text) <= 80 else clause.text[:79] + "…"


@admin.register(ManifestoVersion)
class ManifestoVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["manifesto", "number", "label", "fingerprint", "created_at", "created_by"]
    list_filter = ["manifesto"]


# Other modules of the manifesto app register their admin below.
from manifesto.signatures import admin as _signature_admin  # noqa: E402,F401  (registers the signature admin)
