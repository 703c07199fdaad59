from django.contrib import admin

from agora.models import Agora, LiveSession, Participant, Registration


@admin.register(Agora)
class AgoraAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "departement", "region", "manifesto"]
    list_filter = ["region", "manifesto"]
    search_fields = ["title", "departement", "region", "host_organisation"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators"]


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ["code", "agora", "phase", "opened_at", "closed_at"]
    readonly_fields = ["code", "phase", "focus_clause", "timer_ends_at", "opened_by", "closed_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "agora", "created_at"]
    list_filter = ["agora"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "organisation", "session", "joined_at", "removed_at"]
    exclude = ["browser_key"]
