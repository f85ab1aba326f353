"""A person's home page, and the public pages: accessibility statement, what the data is, and
a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from localsafety.contracts import worklist
from localsafety.contracts.models import Contract
from localsafety.contracts.ownership import Need
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a person lands after signing in: their own contracts and work, not the national
    list (which stays one click away; anonymous visitors land on it)."""
    return render(
        request, "portal/home.html", {"home": worklist.home_for(request.user), "nav": "home"}
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html", {})


def about_data(request: HttpRequest) -> HttpResponse:
    """Say, with counts computed from the records, which data is real and which is synthetic."""
    contracts = dict(
        Contract.objects.visible_to(request.user, Need.PAGE)
        .order_by()
        .values_list("data_origin")
        .annotate(n=Count("pk"))
    )
    areas = dict(
        Area.objects.filter(owner_contract__isnull=True)
        .order_by()
        .values_list("data_origin")
        .annotate(n=Count("pk"))
    )
    organisations = dict(
        Organisation.objects.order_by().values_list("data_origin").annotate(n=Count("pk"))
    )
    rows = [
        (label, counts.get("real", 0), counts.get("synthetic", 0), counts.get("entered", 0))
        for label, counts in (
            ("contracts", contracts),
            ("areas", areas),
            ("organisations", organisations),
        )
    ]
    boundaries = Area.objects.filter(kind="municipality").exclude(geometry="").count()
    return render(request, "portal/about_data.html", {"rows": rows, "boundaries": boundaries})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """A trivial page: the benchmarks' baseline and a load balancer's health check."""
    return HttpResponse("ok", content_type="text/plain")
