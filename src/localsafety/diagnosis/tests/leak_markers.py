"""Contract A's marked diagnosis records for the leak walk (``testing/leakwalk.py``)."""

from __future__ import annotations

from localsafety.diagnosis.models import Problem
from localsafety.testing.leakwalk import RECORD_MARK, Marked, marker


@marker
def diagnosis_marked(world) -> Marked:
    problem = Problem.objects.create(
        contract=world.contract_a,
        title=f"{RECORD_MARK} problem",
        description=f"{RECORD_MARK} problem description",
        created_by=world.coordinator_a,
    )
    return Marked(records=[problem], fillers={"problem_id": [str(problem.pk)]})
