from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from localsafety.contracts.models import Axis, BodyMember, Contract, GovernanceBody, StageDecision


@admin.register(Axis)
class AxisAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_pt", "name_en", "contract", "position"]
    list_filter = [("contract", admin.EmptyFieldListFilter)]


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    raw_id_fields = ["organisation", "person"]
    # A seat's contract is its body's (ContractOwned.clean copies it), never typed.
    exclude = ["contract"]


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "contract"]
    list_filter = ["kind"]
    inlines = [BodyMemberInline]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    """Read-mostly: contracts change through the pages, whose services check the rules."""

    list_display = ["title", "category", "municipality", "signed_on", "stage", "is_published"]
    list_filter = ["category", "stage", "is_published", "data_origin"]
    search_fields = ["title", "municipality__name"]
    readonly_fields = ["stage", "version"]
    raw_id_fields = ["municipality", "lead_organisation", "areas"]


@admin.register(StageDecision)
class StageDecisionAdmin(admin.ModelAdmin):
    list_display = ["stage", "action", "actor", "decided_at"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # decisions are appended, never edited

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
