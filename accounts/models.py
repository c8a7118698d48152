"""Centers, teams (班组) and people. Every person has exactly one role."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("窗口工作人员")
    SUPERVISOR = "supervisor", _("班组长")
    MANAGER = "manager", _("中心主任/科长")
    ADMIN = "admin", _("内容管理员")


class Center(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    district = models.CharField(_("所属区"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("受理服务中心")
        verbose_name_plural = _("受理服务中心")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="teams", verbose_name=_("中心"))
    name = models.CharField(_("班组名称"), max_length=50)
    supervisors = models.ManyToManyField(
        "accounts.User",
        blank=True,
        related_name="led_teams",
        verbose_name=_("班组长"),
        limit_choices_to={"role": Role.SUPERVISOR},
    )

    class Meta:
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        ordering = ["center", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="team_unique_name_in_center")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.STAFF)
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("中心")
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("所在班组")
    )
    # 匿名 on center-wide boards: colleagues see 匿名, the person's supervisor and manager the name
    # (accounts.permissions.can_see_name).
    anonymous_on_boards = models.BooleanField(_("在排行榜上匿名"), default=False)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    def _is_content_admin_for(self, app_label: str) -> bool:
        return self.is_active and self.role == Role.ADMIN and app_label in settings.CONTENT_APP_LABELS

    def has_perm(self, perm, obj=None) -> bool:
        # Content admins own the content apps in the Django admin without a group to maintain.
        if self._is_content_admin_for(perm.partition(".")[0]):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self._is_content_admin_for(app_label) or super().has_module_perms(app_label)

    def get_short_name(self) -> str:
        return self.display_name  # the admin greets 钱老师, not ADMIN

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_staff_role(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_content_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
