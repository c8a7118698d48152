"""Business areas (业务条线), the axis of every competency; courses, lessons and each person's progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rendering import plain_text, render_markdown


class BusinessArea(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("业务条线"), max_length=50, unique=True)
    description = models.CharField(_("简介"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("业务条线")
        verbose_name_plural = _("业务条线")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    area = models.ForeignKey(BusinessArea, on_delete=models.PROTECT, related_name="courses", verbose_name=_("业务条线"))
    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    title = models.CharField(_("课程"), max_length=100)
    description = models.CharField(_("简介"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["area", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("课程"))
    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    body_markdown = models.TextField(_("正文（Markdown）"))
    key_points = models.JSONField(_("要点"), default=list, blank=True)
    is_difficult = models.BooleanField(_("难点"), default=False)
    reading_minutes = models.PositiveSmallIntegerField(_("预计阅读（分钟）"), default=5)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    is_published = models.BooleanField(_("已发布"), default=True)
    # Derived from body_markdown on every save (see rendering.py): the sanitized HTML and its h2 sections.
    body_html = models.TextField(_("正文（已净化 HTML）"), blank=True, editable=False)
    sections = models.JSONField(_("小节"), default=list, blank=True, editable=False)
    # Title, key points and the readable text, for substring search (JSON keeps Chinese escaped).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        rendered = render_markdown(self.body_markdown)
        self.body_html, self.sections = rendered.html, rendered.sections
        self.search_text = "\n".join([self.title, *self.key_points, plain_text(rendered.html)])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "sections", "search_text"}
        super().save(*args, **kwargs)

    @property
    def area(self) -> BusinessArea:
        return self.course.area

    def section_title(self, anchor: str) -> str:
        return next((s["title"] for s in self.sections if s["anchor"] == anchor), "")


class LessonProgress(models.Model):
    """One person's progress in one lesson. Every field is set from server-side events.

    seconds_spent adds up the gaps between consecutive events the server received (the page
    opening, position saves, heartbeats), each gap capped, so a phone left on the table does
    not count and nothing the client claims about time is believed.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("人员")
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress", verbose_name=_("课时"))
    started_at = models.DateTimeField(_("开始学习"))
    last_event_at = models.DateTimeField(_("最近学习"))
    section = models.CharField(_("读到小节"), max_length=20, blank=True)
    seconds_spent = models.PositiveIntegerField(_("学习时长（秒）"), default=0)
    completed_at = models.DateTimeField(_("学完时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        ordering = ["-last_event_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "lesson"], name="lesson_progress_unique_person_lesson"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=models.F("started_at")),
                name="lesson_progress_completed_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "-last_event_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.lesson}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    @property
    def minutes(self) -> int:
        return round(self.seconds_spent / 60)
