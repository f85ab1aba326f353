"""Analysis runs over the imported data: what each audience gets, against references."""

from __future__ import annotations

import datetime as dt

import h3
import numpy as np
import pytest

from localsafety.analysis.hotspots import benjamini_hochberg, getis_ord_gi_star
from localsafety.analysis.weights import h3_kring_weights
from localsafety.diagnosis import analysis_services
from localsafety.diagnosis.models import AnalysisRun, Incident, RunStatus
from localsafety.diagnosis.tests.analysis_data import import_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world, tmp_path):
    return import_export(world, tmp_path)


def start(world, user, *, police=False, resolution=8, categories=()):
    return analysis_services.analysis_run_create(
        actor=user,
        contract=world.contract_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        categories=list(categories),
        resolution=resolution,
        as_police=police,
    )


def test_a_police_run_finds_the_planted_hot_spot(world, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(world, world.commander_a, police=True, resolution=9)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    assert run.police_organisation == world.psp
    results = run.results
    hot = [c for c in results["cells"] if c["hotspot"] == "hot"]
    assert hot
    planted = h3.latlng_to_cell(38.755, -9.155, 9)
    assert planted in {c["cell"] for c in hot}
    assert results["total"] == Incident.objects.count()
    assert results["near_repeat"]["observed"]
    assert len(results["points"]) == Incident.objects.count()
    assert run.datasets[0]["file"] == data.original_name


def test_cell_counts_and_gi_star_match_a_brute_force_count_and_esda(
    world, data, django_capture_on_commit_callbacks
):
    """Counts read from the aggregates equal counts of the incident rows; z equals esda's
    G_Local (star, binary weights built by a loop over h3.grid_disk)."""
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    with django_capture_on_commit_callbacks(execute=True):
        run = start(world, world.commander_a, police=True, resolution=8)
    run.refresh_from_db()
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[-9.2, 38.69], [-9.09, 38.69], [-9.09, 38.8], [-9.2, 38.8], [-9.2, 38.69]]
        ],
    }
    cells = sorted(h3.geo_to_cells(polygon, 8))
    brute = dict.fromkeys(cells, 0)
    for (cell9,) in Incident.objects.values_list("h3_9"):
        parent = h3.cell_to_parent(h3.int_to_str(cell9), 8)
        if parent in brute:
            brute[parent] += 1
    stored = {c["cell"]: c for c in run.results["cells"]}
    for cell, count in brute.items():
        if count:
            assert stored[cell]["count"] == count
    neighbours = {
        i: [
            j
            for j, other in enumerate(cells)
            if other != cell and h3.grid_distance(cell, other) == 1
        ]
        for i, cell in enumerate(cells)
    }
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    y = np.array([brute[c] for c in cells], dtype=float)
    reference = esda.G_Local(y, w, transform="B", star=True, permutations=0)
    z = {c: stored[c]["z"] for c in stored}
    for i, cell in enumerate(cells):
        if cell in z:
            assert z[cell] == pytest.approx(reference.Zs[i], abs=1e-4)
    # Hot spots are the Benjamini-Hochberg survivors of the analytic p-values, signed by z.
    ours = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True))
    rejected = benjamini_hochberg(ours.p_value, 0.05).rejected
    hot = {cells[i] for i in np.where(rejected & (ours.z > 0))[0]}
    assert hot == {c for c, v in stored.items() if v["hotspot"] == "hot"}


def test_an_aggregate_run_is_refused_the_finest_grid(world, data):
    from localsafety.core.errors import DomainError

    with pytest.raises(DomainError):
        start(world, world.partner_a, police=False, resolution=9)
    assert not AnalysisRun.objects.exists()
