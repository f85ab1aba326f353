"""What every contract page shares: the tab context and the one-form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    Contract,
)
from localsafety.core.forms import submit_form


def tab_context(request: HttpRequest, contract: Contract, tab: str) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {
        "contract": contract,
        "tab": tab,
        "is_member": scope.can_read_contract(contract.pk),
        "can_manage": scope.can_manage_contract(contract.pk),
        "can_contribute": scope.can_contribute(contract.pk),
        "nav": "overview",
    }


def form_page(
    request: HttpRequest,
    *,
    contract: Contract,
    form: Any,
    tab: str,
    title: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    next_url: Callable[[Any], str],
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shape every contract form page shares: validate, call one service, report.

    A service's refusal (DomainError) lands in the form's error summary; PermissionDenied
    propagates as 403. A POST that fails validation answers 400 so scripts notice.
    """
    done = submit_form(request, form, action, success=success, next_url=next_url)
    if done is not None:
        return done
    context = tab_context(request, contract, tab)
    context.update({"form": form, "title": title, "multipart": multipart, **(extra or {})})
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/form.html", context, status=status)
