"""Background work for the territory (django-tasks): boundary imports."""

from __future__ import annotations

from django_tasks import task


@task()
def run_area_import(import_id: int) -> None:
    """Run a queued AreaImport; status, progress and problems are kept on the row."""
    from localsafety.territory.services import area_import_run

    area_import_run(import_id=import_id)
