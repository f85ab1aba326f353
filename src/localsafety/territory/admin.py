from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from localsafety.territory.models import Area, AreaImport, AreaPopulation


class PopulationInline(admin.TabularInline):
    model = AreaPopulation
    extra = 0


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "parent", "owner_contract", "data_origin"]
    list_filter = ["kind", "data_origin"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "owner_contract"]
    exclude = ["geometry"]
    inlines = [PopulationInline]


@admin.register(AreaImport)
class AreaImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "status", "progress", "created_at", "uploaded_by"]
    list_filter = ["status", "kind"]
    readonly_fields = ["problems", "message"]
