from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def not_built_yet(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("pending", content_type="text/plain")
