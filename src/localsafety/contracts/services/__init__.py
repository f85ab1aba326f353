"""Writes for contracts: the only code that changes contract state, each in a transaction.

Every service takes the acting user first, checks the access rules itself (so pages, API
and commands cannot disagree), validates, saves and leaves a history record. One module per
sub-domain; this package re-exports them so ``services.meeting_create(...)`` works anywhere.
"""

from localsafety.contracts.models import StageKind
from localsafety.contracts.services.common import contract_touch
from localsafety.contracts.services.governance import (
    body_member_add,
    body_member_remove,
    committee_chair_change,
)
from localsafety.contracts.services.meetings_documents import (
    document_delete,
    document_upload,
    meeting_create,
    meeting_delete,
    meeting_update,
)
from localsafety.contracts.services.record import (
    axis_create,
    contract_create,
    contract_update,
    signatory_add,
    signatory_remove,
)
from localsafety.contracts.services.workflow import (
    EDITABLE_STATUSES,
    STAGE_DECIDED_ELSEWHERE_RULE,
    TRANSITIONS,
    allowed_actions,
    decided_elsewhere,
    stage_decide,
    stage_summary_update,
)

__all__ = [
    "EDITABLE_STATUSES",
    "STAGE_DECIDED_ELSEWHERE_RULE",
    "TRANSITIONS",
    "StageKind",
    "allowed_actions",
    "decided_elsewhere",
    "axis_create",
    "body_member_add",
    "body_member_remove",
    "committee_chair_change",
    "contract_touch",
    "contract_create",
    "contract_update",
    "document_delete",
    "document_upload",
    "meeting_create",
    "meeting_delete",
    "meeting_update",
    "signatory_add",
    "signatory_remove",
    "stage_decide",
    "stage_summary_update",
]
