"""Who is looking, for the fragment cache: the viewer's visibility signature per request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from localsafety.contracts.access import scope_for, visibility_signature
from localsafety.core.fragments import audience


class FragmentAudienceMiddleware:
    """Key every cached fragment of this request on what its viewer may see.

    The signature is computed only if a fragment is looked up, from the scope the request
    computes anyway (cached on the user object).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audience(lambda: visibility_signature(scope_for(request.user))):
            return self.get_response(request)
