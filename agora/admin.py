"""Agoras are set up here; sessions, participants and registrations only go through the services.

A participant removed here would not be kicked from the room and no event would say so; a
session's phase changed here would not reach the live clients.
"""

from django.contrib import admin


from agora.models import Agora, LiveSession, Participant, Registration
from manifesto.admin import ReadOnlyAdminMixin


@admin.register(Agora)
class AgoraAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "departement", "region", "manifesto"]
    list_filter = ["region", "manifesto"]
    search_fields = ["title", "departement", "region", "host_organisation"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators"]

    def has_delete_permission(self, request, obj=None):
        return False  # its sessions, participants and amendments would go with it


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "agora", "phase", "opened_at", "closed_at"]
    readonly_fields = ["code", "phase", "focus_clause", "timer_ends_at", "opened_by", "closed_at"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "agora", "created_at"]
    list_filter = ["agora"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "organisation", "session", "joined_at", "removed_at"]
    exclude = ["browser_key"]
