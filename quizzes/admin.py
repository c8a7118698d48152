"""The Django admin is the authoring tool for questions and quizzes; edits raise a question's version."""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from training.forms import lines_formfield

from .models import (
    Attempt,
    LessonQuestion,
    MemoryCard,
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = lines_formfield(db_field, {"accepted_answers"})
        return field or super().formfield_for_dbfield(db_field, request, **kwargs)

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
    raw_id_fields = ["quiz", "lesson"]
    # The person is shown by name, not as a link: the user pages are closed to content admins.
    exclude = ["person"]
    readonly_fields = ["person_name"] + [field.name for field in Attempt._meta.fields if field.name != "person"]

    @admin.display(description=_("学员"))
    def person_name(self, obj) -> str:
        return obj.person.display_name

    def has_add_permission(self, request) -> bool:
        return False  # attempts come from answering, never from the admin


@admin.register(LessonQuestion)
class LessonQuestionAdmin(admin.ModelAdmin):
    list_display = ["lesson", "question", "sort_order"]
    raw_id_fields = ["lesson", "question"]


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    list_display = ["question", "reporter", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["question"]
    # Learners file reports on the question page; the admin only handles them. People are shown
    # by name, not picked or linked: the user pages are closed to content admins.
    exclude = ["reporter", "handled_by"]
    readonly_fields = ["reporter_name", "question_version", "created_at", "handled_by_name", "handled_at"]

    @admin.display(description=_("反馈人"))
    def reporter_name(self, obj) -> str:
        return obj.reporter.display_name

    @admin.display(description=_("处理人"))
    def handled_by_name(self, obj) -> str:
        return obj.handled_by.display_name if obj.handled_by else "—"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(QuestionImport)
class QuestionImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "created_at", "committed_at"]
    readonly_fields = ["filename", "uploaded_by", "created_at", "committed_at", "summary"]
    exclude = ["rows"]


@admin.register(MemoryCard)
class MemoryCardAdmin(admin.ModelAdmin):
    list_display = ["person", "question", "state", "stability", "difficulty", "due", "wrong_count"]
    list_filter = ["state", "source"]
    # Cards come from answers (record_outcome) and FSRS sets their numbers: shown, never typed in.
    raw_id_fields = ["question"]
    exclude = ["person"]
    readonly_fields = [
        "person_name",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reviews",
        "wrong_count",
        "first_wrong_at",
        "last_wrong_at",
        "source",
        "created_at",
    ]

    @admin.display(description=_("学员"))
    def person_name(self, obj) -> str:
        return obj.person.display_name

    def has_add_permission(self, request) -> bool:
        return False
