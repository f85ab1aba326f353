"""Which restricted fields of a contract's record a viewer may see.

The one decision that both the pages (``tab_context`` puts it in every contract page's
context; the templates test its flags) and the API (``api.base.RecordFieldsSerializer`` maps
its fields to the same flags) read, so a page cannot show what the API hides or the other way
round. A new restricted field is a new flag here, used by both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract


@dataclass(frozen=True)
class RecordFields:
    """What of one contract's restricted record one viewer sees (False: hidden)."""

    person_names: bool = False  # who sits in a seat of a governance body
    stage_summary: bool = False  # the deliverable summary of a stage
    stage_decisions: bool = False  # the decision trail: who decided what and why
    stage_documents: bool = False  # the deliverables attached to a stage

    @classmethod
    def none(cls) -> RecordFields:
        return cls()

    @classmethod
    def all(cls) -> RecordFields:
        return cls(
            person_names=True, stage_summary=True, stage_decisions=True, stage_documents=True
        )


def record_fields_visible(user: Any, contract: Contract) -> RecordFields:
    """The restricted fields of ``contract`` that ``user`` may see: all of them for those
    who read the contract's record (its members and national roles), none for the rest
    (anonymous people and outsiders, also on a published contract)."""
    if scope_for(user).can_read_contract(contract.pk):
        return RecordFields.all()
    return RecordFields.none()
