from django.contrib import admin

from .models import BusinessArea


@admin.register(BusinessArea)
class BusinessAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "description"]
    list_editable = ["sort_order"]
    prepopulated_fields = {"code": ["name"]}
