"""Resident ratings (好差评, 一事一评价) imported from the district's 好差评 system.

They live in reports because a rating is evidence about a clerk beside their mastery, and only the
report (and the clerk's home-page recommendation it offers) reads them; nothing imports reports.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.IntegerChoices):
    """The five levels of the national 好差评 system; the upper three count as 好评, the lower two as 差评."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


GOOD_FROM_LEVEL = RatingLevel.BASICALLY_SATISFIED


class ResidentRating(models.Model):
    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+", verbose_name=_("中心"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_ratings", verbose_name=_("人员")
    )
    area = models.ForeignKey(
        "training.BusinessArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("业务条线"),
    )
    rated_on = models.DateField(_("评价日期"))
    matter = models.CharField(_("办理事项"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("评价"), choices=RatingLevel.choices)
    reason = models.CharField(_("差评原因"), max_length=500, blank=True)
    # The 评价编号 of the 好差评 system, or a fingerprint of the row's content: re-importing a file skips
    # the rows already imported instead of counting them twice.
    source_key = models.CharField(_("来源编号"), max_length=80)
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "source_key"], name="rating_unique_source"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=5), name="rating_level_1_5"),
        ]
        indexes = [models.Index(fields=["person", "rated_on"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.rated_on} · {self.get_level_display()}"

    @property
    def is_good(self) -> bool:
        return self.level >= GOOD_FROM_LEVEL


class RatingImport(models.Model):
    """A checked 好差评 file waiting for the uploader's confirmation (the preview step)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("上传人")
    )
    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+", verbose_name=_("中心"))
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.JSONField(_("解析结果"), default=list)
    created_at = models.DateTimeField(_("上传时间"))
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("好差评导入")
        verbose_name_plural = _("好差评导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
