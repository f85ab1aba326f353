"""Contract pages: thin views over selectors (reads) and services (writes).

One module per sub-domain; this package re-exports the views so ``views.contract_detail``
works for the URLconf and anyone else.
"""

from localsafety.contracts.views.governance import (
    body_member_add,
    body_member_remove,
    chair_change,
    governance,
    governance_organisations,
)
from localsafety.contracts.views.history import history
from localsafety.contracts.views.meetings_documents import (
    document_delete,
    document_download,
    document_upload,
    documents,
    meeting_create,
    meeting_delete,
    meeting_detail,
    meeting_edit,
    meetings,
)
from localsafety.contracts.views.record import (
    axis_create,
    contract_areas_geojson,
    contract_create,
    contract_detail,
    contract_edit,
    contract_export_csv,
    contract_list,
    contract_map_geojson,
    signatory_add,
    signatory_remove,
)
from localsafety.contracts.views.workflow import stage_detail, stage_summary, stages

__all__ = [
    "axis_create",
    "body_member_add",
    "body_member_remove",
    "chair_change",
    "contract_areas_geojson",
    "contract_create",
    "contract_detail",
    "contract_edit",
    "contract_export_csv",
    "contract_list",
    "contract_map_geojson",
    "document_delete",
    "document_download",
    "document_upload",
    "documents",
    "governance",
    "governance_organisations",
    "history",
    "meeting_create",
    "meeting_delete",
    "meeting_detail",
    "meeting_edit",
    "meetings",
    "signatory_add",
    "signatory_remove",
    "stage_detail",
    "stage_summary",
    "stages",
]
