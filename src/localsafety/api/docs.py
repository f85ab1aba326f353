"""Interactive API documentation that obeys the strict Content-Security-Policy.

``SpectacularSwaggerSplitView`` serves Swagger UI's start-up script as a separate file
(``?script``), and our template moves drf-spectacular's inline ``<style>`` into a static
file, so the page has no inline script or style. Swagger UI itself comes from
drf-spectacular-sidecar under /static/: nothing is fetched from a CDN.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api-schema"
