"""/api/: the versioned API under /api/v1/ (namespace ``api``), its schema and its docs."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from localsafety.api.docs import ApiDocsView

urlpatterns = [
    path("v1/", include("localsafety.api.v1_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(), name="api-docs"),
]
