from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from localsafety.organisations.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "municipality", "is_active", "data_origin"]
    list_filter = ["kind", "is_active", "data_origin"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["municipality"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("LocalSafety", {"fields": ("language", "job_title")}),
    )
    inlines = [MembershipInline]
