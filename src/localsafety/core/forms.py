from __future__ import annotations

from django import forms

from localsafety.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal in the form's error summary, on its field when it names one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
