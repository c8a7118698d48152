from django.contrib import admin

from .models import MistakeEntry, Option, Question


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["id", "stem", "kind", "area", "difficulty", "is_active", "version"]
    list_filter = ["area", "kind", "difficulty", "is_active"]
    search_fields = ["stem", "explanation"]
    inlines = [OptionInline]


@admin.register(MistakeEntry)
class MistakeEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "question", "source", "wrong_count", "correct_streak", "due_on", "mastered_at"]
    list_filter = ["source"]
    raw_id_fields = ["person", "question"]
