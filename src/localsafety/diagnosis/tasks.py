"""Background work for the diagnosis (django-tasks): incident imports."""

from __future__ import annotations

from django_tasks import task


@task()
def run_incident_import(dataset_id: int) -> None:
    """Run a queued incident import; status, progress and problems are kept on the data set."""
    from localsafety.diagnosis.data_services import incident_dataset_run

    incident_dataset_run(dataset_id=dataset_id)
