"""Plan pages, under ``contracts/<contract_id>/plan/``."""

from django.urls import path

from localsafety.plans import exports, views

app_name = "plans"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("start/", views.plan_start, name="start"),
    path("versions/new/", views.version_new, name="version_new"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/decide/", views.version_decide, name="version_decide"),
    path("versions/<int:version_id>/compare/", views.version_compare, name="version_compare"),
    path("versions/<int:version_id>/timetable/", views.version_gantt, name="version_gantt"),
    path("versions/<int:version_id>/measures.csv", exports.measures_csv, name="measures_csv"),
    path("versions/<int:version_id>/measures.xlsx", exports.measures_xlsx, name="measures_xlsx"),
    path("versions/<int:version_id>/plan.pdf", exports.plan_pdf, name="plan_pdf"),
    path(
        "versions/<int:version_id>/objectives/new/",
        views.objective_create,
        name="objective_create",
    ),
    path("versions/<int:version_id>/measures/new/", views.measure_create, name="measure_create"),
    path("objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("measures/<int:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:measure_id>/publish/", views.measure_publish, name="measure_publish"),
    path("measures/<int:measure_id>/partners/new/", views.partner_add, name="partner_add"),
    path("partners/<int:partner_id>/remove/", views.partner_remove, name="partner_remove"),
    path("measures/<int:measure_id>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/remove/", views.milestone_remove, name="milestone_remove"),
    path(
        "measures/<int:measure_id>/indicators/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("indicators/<int:indicator_id>/edit/", views.indicator_edit, name="indicator_edit"),
]
