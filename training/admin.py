"""Content admins write lessons here; the preview shows the sanitized HTML a learner will see."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Textarea
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .forms import ImportZipForm, lines_formfield
from .importer import ImportFailed, import_zip
from .models import BusinessArea, Course, Lesson, LessonProgress


@admin.register(BusinessArea)
class BusinessAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "description"]
    list_editable = ["sort_order"]
    prepopulated_fields = {"code": ["name"]}


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["sort_order", "title", "slug", "is_published"]
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "area", "sort_order"]
    list_filter = ["area"]
    search_fields = ["title", "slug"]
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "sort_order", "reading_minutes", "is_difficult", "is_published", "is_demo"]
    list_filter = ["course__area", "course", "is_published", "is_difficult", "is_demo"]
    list_editable = ["sort_order", "is_published"]
    search_fields = ["title", "slug", "body_markdown"]
    readonly_fields = ["preview", "updated_at"]
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 24, "class": "vLargeTextField"})}}
    fieldsets = [
        (None, {"fields": ["course", "title", "slug", "sort_order"]}),
        (_("正文"), {"fields": ["body_markdown", "preview"]}),
        (_("要点与属性"), {"fields": ["key_points", "is_difficult", "reading_minutes", "is_published", "is_demo"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return lines_formfield(db_field, {"key_points"}) or super().formfield_for_dbfield(db_field, request, **kwargs)

    change_list_template = "training/admin/lesson_change_list.html"

    class Media:
        css = {"all": ["css/training-admin.css"]}
        js = ["js/training-admin.js"]

    def get_urls(self):
        upload = self.admin_site.admin_view(self.import_view)
        return [path("import/", upload, name="training_lesson_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload a .zip of Markdown lessons: the import_lessons command, all or nothing, on a page."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportZipForm(request.POST or None, request.FILES or None)
        report = errors = None
        if request.method == "POST" and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                report = import_zip(form.cleaned_data["pack"], dry_run=dry_run)
            except ImportFailed as failed:
                errors = failed.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入课时包"),
            "form": form,
            "report": report,
            "errors": errors,
            "dry_run": form.cleaned_data.get("dry_run") if form.is_bound and form.is_valid() else False,
        }
        return TemplateResponse(request, "training/admin/import.html", context)

    @admin.display(description=_("预览（净化后的 HTML）"))
    def preview(self, lesson: Lesson):
        points = format_html_join("", "<li>{}</li>", ((p,) for p in lesson.key_points or []))
        # body_html is the sanitized output of rendering.render_markdown, safe by construction.
        return format_html(
            '<div class="lesson-preview" data-preview data-preview-url="{}">'
            '<ul class="key-points-preview">{}</ul><div class="lesson-body">{}</div></div>',
            reverse("training:preview"),
            points,
            mark_safe(lesson.body_html),  # noqa: S308
        )


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["person", "lesson", "section", "seconds_spent", "started_at", "last_event_at", "completed_at"]
    list_filter = ["lesson__course__area"]
    search_fields = ["person__username", "person__full_name", "lesson__title"]
    raw_id_fields = ["lesson"]
    # The person is shown by name, not as a link: the user pages are closed to content admins.
    exclude = ["person"]
    readonly_fields = ["person_name"]

    @admin.display(description=_("学员"))
    def person_name(self, obj) -> str:
        return obj.person.display_name

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
