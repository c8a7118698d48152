"""Business areas (业务条线), the axis of every competency, and (later) courses and lessons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "sort_order", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def area(self) -> BusinessArea:
        return self.course.area
