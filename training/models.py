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
