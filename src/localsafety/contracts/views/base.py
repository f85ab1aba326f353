"""What every contract page shares: resolving the contract once, the tab context and the
one-form page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    Contract,
)
from localsafety.contracts.ownership import Need
from localsafety.contracts.selectors import contract_for
from localsafety.contracts.visibility import record_fields_visible
from localsafety.core.access import require
from localsafety.core.forms import form_status, submit_form

WriteCheck = Literal["manage", "contribute"]

_WRITE_CHECKS: dict[str, Callable[[Any, int], bool]] = {
    "manage": lambda scope, contract_id: scope.can_manage_contract(contract_id),
    "contribute": lambda scope, contract_id: scope.can_contribute(contract_id),
}


def contract_view(
    need: Need | str = Need.PAGE, *, may: WriteCheck | None = None
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Resolve the URL's ``contract_id`` once, through the scope, and call the view with
    ``contract=`` instead (Sentry's ``ProjectEndpoint.convert_args``).

    ``need`` is the read tier: ``page`` (published or one's own) or ``record`` (members);
    anyone below it gets 404, as for a contract that does not exist. ``may`` adds a write
    check on top (``manage``: the lead organisation; ``contribute``: the partners): a person
    who reaches the contract but may not do this gets 403.
    """
    check = _WRITE_CHECKS[may] if may else None

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, *args: Any, contract_id: int, **kwargs: Any
        ) -> HttpResponseBase:
            contract = contract_for(request.user, contract_id, need=need)
            if check is not None:
                require(check(scope_for(request.user), contract.pk))
            return view(request, *args, contract=contract, **kwargs)

        return wrapper

    return decorate


def tab_context(request: HttpRequest, contract: Contract, tab: str) -> dict[str, Any]:
    scope = scope_for(request.user)
    record_fields = record_fields_visible(request.user, contract)
    return {
        "contract": contract,
        "tab": tab,
        # Which member-only tabs the header links to.
        "is_member": scope.can_read_contract(contract.pk),
        # Which restricted fields the page shows: the API's decision too (visibility.py).
        "record_fields": record_fields,
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
    propagates as 403. A POST that fails validation answers 400 so scripts notice, 409 when
    the record changed since the form was read.
    """
    done = submit_form(request, form, action, success=success, next_url=next_url)
    if done is not None:
        return done
    context = tab_context(request, contract, tab)
    context.update({"form": form, "title": title, "multipart": multipart, **(extra or {})})
    return render(request, "contracts/form.html", context, status=form_status(request, form))


def typed_values(data: Any, *, multiple: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A sent form's values as a new form's initial values (shown again, not yet judged)."""
    return {
        name: data.getlist(name) if name in multiple else data.get(name)
        for name in data
        if name != "csrfmiddlewaretoken"
    }
