"""Admin: look at drills and their rounds; the game itself is moved only through services."""

from django.contrib import admin

from .models import Competition, Round


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ("order", "kind", "seconds", "points", "penalty", "speed_bonus", "streak_bonus")
    readonly_fields = fields
    can_delete = False


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "host", "mode", "status", "created_at")
    list_filter = ("status", "mode")
    search_fields = ("title", "code")
    readonly_fields = ("code", "status", "current", "started_at", "finished_at", "created_at", "version")
    inlines = [RoundInline]
