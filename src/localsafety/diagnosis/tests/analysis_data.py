"""Synthetic incident exports for the analysis tests, imported through the real import so
that the aggregates are the ones the import keeps current."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from localsafety.diagnosis import data_services
from localsafety.diagnosis.models import IncidentDataset, IncidentSource

CODES = {"FV": "vehicle-theft", "VD": "domestic-violence", "RVP": "street-robbery"}
#: A hot spot near Lumiar (inside the world's square municipality A).
HOT = (-9.155, 38.755)


def export_text(seed: int = 7, *, hot: int = 300, background: int = 200) -> str:
    """Incidents of 2023 and 2024: ``hot`` clustered round HOT (many at night, many within
    days and metres of each other), ``background`` spread over the square; a few ranged."""
    rng = np.random.default_rng(seed)
    lines = ["N.º Processo;Data da ocorrência;Hora;Categoria;Longitude;Latitude\n"]
    n = hot + background
    lon = np.concatenate(
        [HOT[0] + rng.normal(0, 0.0015, hot), rng.uniform(-9.195, -9.095, background)]
    )
    lat = np.concatenate(
        [HOT[1] + rng.normal(0, 0.0015, hot), rng.uniform(38.695, 38.795, background)]
    )
    days = rng.integers(0, 730, n)
    hours = np.concatenate([rng.integers(20, 24, hot), rng.integers(0, 24, background)])
    codes = rng.choice(["FV", "RVP", "VD"], n, p=[0.6, 0.3, 0.1])
    start = np.datetime64("2023-01-01")
    for i in range(n):
        day = (start + np.timedelta64(int(days[i]), "D")).astype(object)
        when = "" if i % 25 == 0 else f"{int(hours[i]):02d}:30"  # every 25th: the whole day
        lines.append(
            f"R-{seed}-{i};{day:%d/%m/%Y};{when};{codes[i]};{lon[i]:.6f}".replace(".", ",")
            + ";"
            + f"{lat[i]:.6f}".replace(".", ",")
            + "\n"
        )
    return "".join(lines)


def import_export(
    world, tmp_path: Path, *, organisation=None, actor=None, **kwargs
) -> IncidentDataset:
    organisation = organisation or world.psp
    source, _created = IncidentSource.objects.get_or_create(
        organisation=organisation, name="Exportação mensal", defaults={"category_codes": CODES}
    )
    path = tmp_path / f"export-{organisation.pk}.csv"
    path.write_bytes(export_text(**kwargs).encode("latin-1"))
    dataset = data_services.incident_file_import(
        path=path,
        organisation=organisation,
        source_name=source.name,
        actor=actor or world.commander_a,
    )
    assert dataset.status == "done", dataset.problems
    return dataset
