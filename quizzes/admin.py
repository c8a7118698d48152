"""The Django admin is the authoring tool for questions and quizzes; edits raise a question's version."""

from django.contrib import admin
from django.db.models import F

from .models import (
    Attempt,
    LessonQuestion,
    MistakeEntry,
    Option,
    PaperRule,
    Question,
    QuestionImport,
    QuestionReport,
    Quiz,
    QuizQuestion,
)


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["id", "stem", "kind", "area", "difficulty", "is_active", "version"]
    list_filter = ["area", "kind", "difficulty", "is_active"]
    search_fields = ["stem", "explanation"]
    readonly_fields = ["version"]
    inlines = [OptionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Attempts keep snapshots; the version tells reviewers which wording a person saw.
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            Question.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    extra = 0
    raw_id_fields = ["question"]


class PaperRuleInline(admin.TabularInline):
    model = PaperRule
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "paper_kind",
        "time_limit_seconds",
        "max_attempts",
        "opens_at",
        "closes_at",
        "is_published",
    ]
    list_filter = ["paper_kind", "is_published"]
    inlines = [QuizQuestionInline, PaperRuleInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["person", "mode", "title", "status", "score", "max_score", "started_at", "submitted_at"]
    list_filter = ["mode", "status"]
    raw_id_fields = ["person", "quiz", "lesson"]
    readonly_fields = [field.name for field in Attempt._meta.fields]


@admin.register(LessonQuestion)
class LessonQuestionAdmin(admin.ModelAdmin):
    list_display = ["lesson", "question", "sort_order"]
    raw_id_fields = ["lesson", "question"]


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    list_display = ["question", "reporter", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["question", "reporter", "handled_by"]


@admin.register(QuestionImport)
class QuestionImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "created_at", "committed_at"]
    readonly_fields = ["filename", "uploaded_by", "created_at", "committed_at", "summary"]
    exclude = ["rows"]


@admin.register(MistakeEntry)
class MistakeEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "question", "source", "wrong_count", "correct_streak", "due_on", "mastered_at"]
    list_filter = ["source"]
    raw_id_fields = ["person", "question"]
