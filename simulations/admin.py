"""Scenarios in the admin: read the graph as an outline; edit by changing the YAML and importing."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.permissions import people_visible_to

from .models import Run, RunAnswer, Scenario, ScenarioMistake
from .selectors import outline


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "persona_name", "time_limit_seconds", "has_rubric", "is_demo", "is_published"]
    list_filter = ["area", "is_demo", "is_published"]
    search_fields = ["title", "slug", "persona_name"]
    fields = ["title", "slug", "area", "is_published", "summary", "source_file", "graph_outline"]
    readonly_fields = ["title", "slug", "area", "summary", "source_file", "graph_outline"]

    @admin.display(description=_("流程图（理想路径以金色标出）"))
    def graph_outline(self, obj: Scenario) -> str:
        return render_to_string("simulations/admin_outline.html", {"outline": outline(obj), "scenario": obj})

    @admin.display(boolean=True, description=_("评分表"))
    def has_rubric(self, obj: Scenario) -> bool:
        return obj.has_rubric

    def has_add_permission(self, request) -> bool:
        return False  # scenarios come from YAML through import_scenarios


class RunAnswerInline(admin.TabularInline):
    model = RunAnswer
    extra = 0
    can_delete = False
    fields = [
        "turn",
        "step_key",
        "choice_text",
        "is_ideal",
        "timed_out",
        "accuracy",
        "manners",
        "completeness",
        "answered_at",
    ]
    readonly_fields = fields


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["person", "scenario", "status", "overall", "final_score", "rating", "started_at"]
    list_filter = ["status", "rating", "live", "scenario__area"]
    search_fields = ["person__username", "person__full_name", "scenario__title"]
    inlines = [RunAnswerInline]
    # The person is shown by name, not as a link: the user pages are closed to content admins.
    exclude = ["person"]
    readonly_fields = ["person_name"]

    @admin.display(description=_("学员"))
    def person_name(self, obj) -> str:
        return obj.person.display_name

    def get_queryset(self, request):
        # People's results: a content admin sees those of their own center only.
        return super().get_queryset(request).filter(person__in=people_visible_to(request.user))

    def has_add_permission(self, request) -> bool:
        return False  # runs come from playing a scenario, never from the admin

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScenarioMistake)
class ScenarioMistakeAdmin(admin.ModelAdmin):
    list_display = ["person", "step", "wrong_count", "last_wrong_at", "mastered_at"]
    list_filter = ["step__scenario"]
    # The person is shown by name, not as a link: the user pages are closed to content admins.
    exclude = ["person"]
    readonly_fields = ["person_name"]

    @admin.display(description=_("学员"))
    def person_name(self, obj) -> str:
        return obj.person.display_name

    def get_queryset(self, request):
        return super().get_queryset(request).filter(person__in=people_visible_to(request.user))

    def has_add_permission(self, request) -> bool:
        return False  # scenario points come from playing, never from the admin

    def has_change_permission(self, request, obj=None) -> bool:
        return False
