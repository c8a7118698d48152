from django.contrib import admin

from .models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "area", "activity_kind", "activity_id", "score_ratio", "points", "occurred_at"]
    list_filter = ["activity_kind", "area", "center", "team"]
    search_fields = ["person__username", "person__full_name", "title"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):
        return False  # the ledger is append-only; results are corrected at their source
