from django.urls import path

from localsafety.activities import views

app_name = "activities"

_contract = "contracts/<int:contract_id>/activities/"

urlpatterns = [
    path("activities/national/", views.national, name="national"),
    path(_contract, views.activity_list, name="list"),
    path(f"{_contract}new/", views.activity_create, name="create"),
    path(f"{_contract}import/", views.activity_import, name="import"),
    path(f"{_contract}isolated/", views.isolated_actions, name="isolated"),
    path(f"{_contract}execution/", views.execution, name="execution"),
    path(f"{_contract}execution.pdf", views.execution_pdf, name="execution_pdf"),
    path(f"{_contract}export.csv", views.export_csv, name="export_csv"),
    path(f"{_contract}export.xlsx", views.export_xlsx, name="export_xlsx"),
    path(f"{_contract}<int:activity_id>/", views.activity_detail, name="detail"),
    path(f"{_contract}<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path(f"{_contract}<int:activity_id>/delete/", views.activity_delete, name="delete"),
    path(
        f"{_contract}<int:activity_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
]
