from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("localsafety.portal.urls")),
    path("accounts/", include("localsafety.organisations.account_urls")),
    path("organisations/", include("localsafety.organisations.urls")),
    path("territory/", include("localsafety.territory.urls")),
    path("contracts/", include("localsafety.contracts.urls")),
    path("contracts/<int:contract_id>/plan/", include("localsafety.plans.urls")),
    path("", include("localsafety.activities.urls")),
    path(
        "contracts/<int:contract_id>/diagnosis/analyses/",
        include("localsafety.diagnosis.analysis_urls"),
    ),
    path("contracts/<int:contract_id>/diagnosis/", include("localsafety.diagnosis.urls")),
    path("indicators/", include("localsafety.diagnosis.matrix_urls")),
    path("crime-data/", include("localsafety.diagnosis.data_urls")),
    path("api/", include("localsafety.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
