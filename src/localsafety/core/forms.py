"""What every form page shares: call one service, show its refusal on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from localsafety.core.errors import DomainError


def add_service_error(form: forms.BaseForm, error: DomainError | ValidationError) -> None:
    """Show a service's refusal in the form's error summary, on the field it names if any."""
    if isinstance(error, DomainError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(None, error.messages)


def query_without_page(request: HttpRequest) -> str:
    """The request's filters as a query string, for pagination links that keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    next_url: Callable[[Any], str],
) -> HttpResponse | None:
    """On a valid POST call ``action`` (one service) and redirect with a message.

    Returns None when the page should be shown again: a GET, an invalid form, or a refusal
    by the service (DomainError / ValidationError), which lands in the form's error summary.
    PermissionDenied propagates (403).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url(result))
