from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from localsafety.contracts.access import scope_for


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.LOCALSAFETY_SITE_NAME,
        "scope": scope_for(user),
        "tile_url": settings.LOCALSAFETY_TILE_URL,
        "tile_attribution": settings.LOCALSAFETY_TILE_ATTRIBUTION,
    }
