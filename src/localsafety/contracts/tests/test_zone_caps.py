"""A contract's zones: capped per contract, and uploaded ones cover it as drawn ones do (#10)."""

from __future__ import annotations

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import box

from localsafety.contracts import zones
from localsafety.contracts.models import Contract
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.territory.importer import import_areas
from localsafety.territory.models import Area, AreaImport, AreaKind
from localsafety.territory.tests.geofiles import write_geojson

pytestmark = pytest.mark.django_db


def _draw(world, name: str, x: float) -> Area:
    shape = box(x, 38.75, x + 0.005, 38.755)
    return zones.zone_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        name=name,
        geometry_geojson=shapely.to_geojson(shape),
    )


def _zone_file(tmp_path, names: list[str]):
    rows = [
        {"name": name, "geometry": box(-9.13 + n * 0.006, 38.77, -9.125 + n * 0.006, 38.775)}
        for n, name in enumerate(names)
    ]
    return write_geojson(tmp_path / "zones.geojson", rows)


def test_uploaded_zones_join_the_contracts_covered_areas_as_drawn_ones_do(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    drawn = _draw(world, "Desenhada", -9.19)
    path = _zone_file(tmp_path, ["Casal dos Machados", "Bairro Padre Cruz"])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator_a).post(
            reverse("contracts:zone_upload", args=[world.contract_a.pk]),
            {"file": SimpleUploadedFile("zones.geojson", path.read_bytes())},
        )
    assert AreaImport.objects.get().status == "done"
    uploaded = set(Area.objects.filter(kind=AreaKind.ZONE).exclude(pk=drawn.pk))
    assert len(uploaded) == 2
    covered = set(Contract.objects.get(pk=world.contract_a.pk).areas.all())
    assert drawn in covered and uploaded <= covered
    # Another contract gains nothing; re-importing the same file adds no duplicate.
    assert not world.contract_b.areas.filter(kind=AreaKind.ZONE).exists()
    import_areas(path, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    assert world.contract_a.areas.filter(kind=AreaKind.ZONE).count() == 3


def test_the_zones_of_a_contract_are_capped_whether_drawn_or_uploaded(world, tmp_path, settings):
    settings.LOCALSAFETY_MAX_ZONES_PER_CONTRACT = 3
    _draw(world, "Um", -9.19)
    _draw(world, "Dois", -9.18)
    path = _zone_file(tmp_path, ["Três", "Quatro"])
    before = list(Area.objects.order_by("pk").values_list("pk", "name"))
    with pytest.raises(ImportRefused) as caught:
        import_areas(path, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    assert "at most 3 zones; this would make 4" in caught.value.message
    assert list(Area.objects.order_by("pk").values_list("pk", "name")) == before
    # One more fits; then a drawn one does not.
    one = _zone_file(tmp_path, ["Três"])
    import_areas(one, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    with pytest.raises(DomainError) as drawn:
        _draw(world, "Quatro", -9.17)
    assert "at most 3 zones" in drawn.value.message
    # Re-importing zones the contract already has updates them: still allowed when full.
    again = import_areas(one, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    assert (again.created, again.updated) == (0, 1)
    assert Area.objects.filter(kind=AreaKind.ZONE, owner_contract=world.contract_a).count() == 3
    # Other contracts have their own allowance.
    zone_b = zones.zone_create(
        actor=world.coordinator_b,
        contract=world.contract_b,
        name="Bairro em Serpa",
        geometry_geojson=shapely.to_geojson(box(-7.62, 37.93, -7.61, 37.94)),
    )
    assert zone_b.owner_contract == world.contract_b
