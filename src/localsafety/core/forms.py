"""What every form page shares: call one service, show its refusal on the form; the hidden
version an edit form carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from localsafety.core.errors import DomainError
from localsafety.core.locking import VERSION_FIELD, missing_version_message
from localsafety.core.params import MAX_ID

_missing_version = lazy(missing_version_message, str)

#: Where ``add_service_error`` leaves the service's refusal, for the page's status code.
REFUSAL_ATTR = "_service_refusal"


class VersionField(forms.IntegerField):
    """The version of the record the form was filled from (hidden, required): the service
    refuses a form without it (400) or made on an older version (409)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Version of the record"))
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"required": _missing_version()})
        super().__init__(**kwargs)


class ContentVersionField(forms.CharField):
    """The same for a record without a version column (``core.locking.content_version``)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Version of the record"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("error_messages", {"required": _missing_version()})
        super().__init__(**kwargs)


def form_status(request: HttpRequest, form: forms.BaseForm, *, invalid: int = 400) -> int:
    """The status of a form page shown again: 200 for a GET; 409 when the service found the
    record changed since the form was read; 400 when the form names no version; otherwise
    ``invalid`` (pages differ: contract forms answer 400, older pages 200)."""
    if request.method != "POST":
        return 200
    refusal = getattr(form, REFUSAL_ATTR, None)
    if isinstance(refusal, DomainError) and refusal.status_code != 400:
        return refusal.status_code
    if VERSION_FIELD in form.errors or (
        isinstance(refusal, DomainError) and refusal.field == VERSION_FIELD
    ):
        return 400
    return invalid


def add_service_error(form: forms.BaseForm, error: DomainError | ValidationError) -> None:
    """Show a service's refusal in the form's error summary, on the field it names if any
    (and keep it for ``form_status``)."""
    setattr(form, REFUSAL_ATTR, error)
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
