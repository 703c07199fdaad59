"""Admin for signature campaigns and signatures. Writes go through the services, so the admin is read-only."""

from django.contrib import admin

from manifesto.admin import ReadOnlyAdminMixin
from manifesto.models import Signature, SignatureCampaign


@admin.register(SignatureCampaign)
class SignatureCampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["manifesto", "version", "starts_at", "ends_at", "goal", "closed_at"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "manifesto", "kind", "state", "version", "family", "territory", "created_at", "confirmed_at", "erased_at"]
    list_filter = ["state", "kind", "family"]
    exclude = ["token_hash", "token_expires_at"]
