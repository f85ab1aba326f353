"""The national indicator matrix: read by everyone, changed by national roles (each change a
new version); a contract's own indicators beside it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.forms import form_status, submit_form
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.diagnosis import selectors, services
from localsafety.diagnosis.forms import IndicatorForm, MatrixChangeForm, indicator_values
from localsafety.diagnosis.indicators import CRIME_CATEGORIES, FORMULAS
from localsafety.diagnosis.models import IndicatorMatrix


def matrix(request: HttpRequest) -> HttpResponse:
    current = selectors.current_matrix()
    return render(
        request,
        "diagnosis/matrix.html",
        {
            "matrix": current,
            "indicators": selectors.matrix_indicators(current),
            "versions": IndicatorMatrix.objects.all()[:20],
            "formulas": FORMULAS,
            "categories": CRIME_CATEGORIES,
            "can_change": scope_for(request.user).is_national,
            "nav": "indicators",
        },
    )


def _change_page(
    request: AuthenticatedHttpRequest, *, replace: str | None, initial: dict[str, object]
) -> HttpResponse:
    require(
        scope_for(request.user).is_national,
        _("Only national users set the national indicator matrix."),
    )
    form = MatrixChangeForm(request.POST or None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda data: services.indicator_matrix_change(
            actor=request.user,
            expected_version=data["version"],
            note=data["note"],
            replace=replace,
            values=indicator_values(data),
        ),
        success=_("A new version of the indicator matrix was made."),
        next_url=lambda _matrix: reverse("indicators:matrix"),
    )
    if done is not None:
        return done
    title = _("Change an indicator") if replace else _("Add an indicator")
    return render(
        request,
        "contracts/form.html",
        {"form": form, "title": title, "nav": "indicators"},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = selectors.current_matrix()
    return _change_page(
        request, replace=None, initial={"version": current.version if current else 0}
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_change(request: AuthenticatedHttpRequest, matrix_indicator_id: int) -> HttpResponse:
    current = selectors.current_matrix()
    # Only national users reach an indicator to change: 404 for everyone else, as for any id.
    changeable = selectors.matrix_indicators(current)
    if not scope_for(request.user).is_national:
        changeable = changeable.none()
    indicator = get_object_for_user(changeable, pk=matrix_indicator_id)
    initial: dict[str, object] = {
        name: getattr(indicator, name) for name in services.INDICATOR_FIELDS
    }
    initial["version"] = indicator.matrix.version
    return _change_page(request, replace=indicator.code, initial=initial)


@contract_view("record")
def contract_indicators(request: HttpRequest, contract: Contract) -> HttpResponse:
    current = selectors.current_matrix()
    context = tab_context(request, contract, "diagnosis")
    context.update(
        {
            "matrix": current,
            "indicators": selectors.matrix_indicators(current),
            "local_indicators": selectors.local_indicator_list(request.user, contract),
            "can_record": scope_for(request.user).in_operational_core(contract.pk),
        }
    )
    return render(request, "diagnosis/contract_indicators.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record")
def local_indicator_create(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    require(
        scope_for(request.user).in_operational_core(contract.pk),
        _("Only the contract's Operational Core records problems."),
    )
    return form_page(
        request,
        contract=contract,
        form=IndicatorForm(request.POST or None),
        tab="diagnosis",
        title=_("Add a local indicator"),
        action=lambda data: services.local_indicator_create(
            actor=request.user, contract=contract, values=indicator_values(data)
        ),
        success=_("The local indicator was added."),
        next_url=lambda _indicator: reverse("diagnosis:indicators", args=[contract.pk]),
    )
