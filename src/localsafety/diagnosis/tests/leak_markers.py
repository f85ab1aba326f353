"""Contract A's marked diagnosis records for the leak walk (``testing/leakwalk.py``)."""

from __future__ import annotations

from localsafety.diagnosis import selectors, services
from localsafety.testing.leakwalk import RECORD_MARK, Marked, marker


@marker
def diagnosis_marked(world) -> Marked:
    problem = services.problem_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        title=f"{RECORD_MARK} problem",
        description=f"{RECORD_MARK} problem description",
        evidence=f"{RECORD_MARK} problem evidence",
    )
    local = services.local_indicator_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values={
            "code": "marked-local",
            "name_en": f"{RECORD_MARK} local indicator",
            "name_pt": f"{RECORD_MARK} indicador local",
            "definition": f"{RECORD_MARK} definition",
            "unit": "percent",
            "theme": "social",
            "source": f"{RECORD_MARK} source",
            "formula": "population_share_65_plus",
            "parameter": "",
        },
    )
    national = selectors.matrix_indicators(selectors.current_matrix()).first()
    return Marked(
        records=[problem, local],
        fillers={
            "problem_id": [str(problem.pk)],
            "indicator_id": [str(national.pk)] if national else ["1"],
        },
    )
