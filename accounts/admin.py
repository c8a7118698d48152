from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Center, Team, User


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "center"]
    list_filter = ["center"]
    filter_horizontal = ["supervisors"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "center", "team", "is_active"]
    list_filter = ["role", "center", "team", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("练兵"), {"fields": ["full_name", "role", "center", "team"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("练兵"), {"fields": ["full_name", "role", "center", "team"]}),)
