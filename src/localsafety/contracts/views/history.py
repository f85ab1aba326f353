"""A contract's change history, in the reader's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from localsafety.contracts.models import (
    Contract,
    DecisionAction,
)
from localsafety.contracts.views.base import contract_view, tab_context


@contract_view("record")
def history(request: HttpRequest, contract: Contract) -> HttpResponse:
    from localsafety.contracts.history import contract_history

    context = tab_context(request, contract, "history")
    entries = contract_history(request.user, contract)
    for entry in entries:
        entry["reason"] = _readable_reason(entry["reason"])
    context["entries"] = entries
    return render(request, "contracts/history.html", context)


# Services record short English reasons; the history shows them in the reader's language.
_ROUTINE_REASONS = {"created", "edited", "added", "removed", "uploaded", "deleted", "opened"}


def _readable_reason(reason: str) -> str:
    if reason in _ROUTINE_REASONS:
        return ""  # the action column already says it
    action, _sep, comment = reason.partition(":")
    labels = dict(DecisionAction.choices)
    if action in labels:
        label = str(labels[action])
        return f"{label}: {comment.strip()}" if comment.strip() else label
    known = {
        "areas changed": _("areas changed"),
        "axes changed": _("axes changed"),
        "named chair": _("named chair"),
        "no longer chair": _("no longer chair"),
        "summary edited": _("summary edited"),
        "zone created": _("zone created"),
        "zone changed": _("zone changed"),
        "zone deleted": _("zone deleted"),
    }
    return str(known.get(reason, reason))
