"""A contract's zones: the areas it defines itself (an estate, a neighbourhood).

Zones are ``territory.Area`` rows with ``kind=zone`` and an ``owner_contract``; ``territory``
keeps the official areas and the upload machinery but knows nothing of contracts, so what a
zone's contract decides lives here: who sees a zone (whoever sees its contract), who draws,
changes, deletes or uploads zones (the contract's managers), their GeoJSON and their pages
(``contracts.zone_views``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract, Zone
from localsafety.contracts.ownership import Need
from localsafety.contracts.services import contract_touch
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.locking import content_version, require_version
from localsafety.core.models import DataOrigin
from localsafety.territory import geometry as geo
from localsafety.territory import limits as territory_limits
from localsafety.territory import selectors as territory_selectors
from localsafety.territory import services as territory_services
from localsafety.territory.importer import choose_zone_parent, contract_municipalities
from localsafety.territory.models import Area, AreaImport, AreaKind

# --- reads -----------------------------------------------------------------------------


def zones_visible_to(user: Any) -> QuerySet[Zone]:
    """Zones are as visible as their contract (published ones, or the person's own)."""
    return Zone.objects.visible_to(user, Need.PAGE)


def areas_visible_to(user: Any) -> QuerySet[Area]:
    """Official areas (public) and the zones of the contracts the person may see."""
    visible_contracts = Contract.objects.visible_to(user, Need.PAGE).values("pk")
    return Area.objects.filter(
        Q(owner_contract__isnull=True) | Q(owner_contract__in=visible_contracts)
    )


def contract_zones(contract: Contract) -> QuerySet[Area]:
    """The zones of a contract the caller has already resolved through the scope."""
    return (
        Area.objects.filter(kind=AreaKind.ZONE, owner_contract=contract)
        .select_related("parent", "owner_contract")
        .order_by("name_key", "name")
    )


def zones_in_area(user: Any, area: Area) -> list[Zone]:
    """The visible zones that lie in an official area (a municipality's page lists them)."""
    return list(
        zones_visible_to(user)
        .filter(parent=area)
        .select_related("owner_contract", "parent")
        .order_by("name_key", "name")
    )


def contract_counts(user: Any, area_ids: list[int]) -> dict[int, int]:
    """Number of contracts the user may see that cover each area (its own or in its areas)."""
    visible = Contract.objects.visible_to(user, Need.PAGE)
    pairs: set[tuple[int, int]] = set(
        visible.filter(municipality_id__in=area_ids).values_list("municipality_id", "pk")
    )
    through = Contract.areas.through
    pairs |= set(
        through.objects.filter(area_id__in=area_ids, contract__in=visible).values_list(
            "area_id", "contract_id"
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for area_id, _contract_id in pairs:
        counts[area_id] += 1
    return dict(counts)


def contracts_covering(user: Any, area: Area) -> QuerySet[Contract]:
    return (
        Contract.objects.visible_to(user, Need.PAGE)
        .filter(Q(municipality=area) | Q(areas=area))
        .distinct()
        .order_by("title")
    )


def zone_properties(area: Area) -> dict[str, Any]:
    """Map properties: an official area's, plus the zone's page and its contract's category."""
    if area.kind != AreaKind.ZONE or area.owner_contract is None:
        return territory_selectors.area_properties(area)
    properties = territory_selectors.area_properties(area)
    properties["url"] = reverse("contracts:zone_list", args=[area.owner_contract_id])
    properties["category"] = area.owner_contract.category
    return properties


def feature_collection(areas: Any) -> dict[str, Any]:
    """Official areas and zones as a FeatureCollection dict (for ``json_script``)."""
    return territory_selectors.feature_collection(areas, properties_for=zone_properties)


def feature_collection_text(areas: Any) -> str:
    return territory_selectors.feature_collection_text(areas, properties_for=zone_properties)


def context_layer_url(contract: Contract) -> str:
    """The official GeoJSON of the contract's municipalities, drawn under a zone being edited."""
    ids = {
        contract.municipality_id,
        *contract.areas.filter(kind=AreaKind.MUNICIPALITY).values_list("pk", flat=True),
    }
    return reverse("territory:areas_geojson") + "?ids=" + ",".join(str(pk) for pk in sorted(ids))


# --- writes ----------------------------------------------------------------------------


def _require_zone_manager(actor: Any, contract: Contract) -> None:
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise PermissionDenied(_("Only the contract's lead organisation manages its zones."))


def _zone_shape(geometry_geojson: str) -> Any:
    try:
        return geo.parse_geojson(geometry_geojson)
    except geo.GeometryError as exc:
        raise DomainError(str(exc), field="geometry") from exc


def _zone_code(contract: Contract, code: str, name: str, *, exclude_pk: int | None) -> str:
    base = (code.strip() or slugify(name) or "zone")[:40]
    if code.strip():
        clash = Area.objects.filter(owner_contract=contract, code=base)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise DomainError(_("This contract already has a zone with that code."), field="code")
        return base
    taken = set(
        Area.objects.filter(owner_contract=contract, code__startswith=base[:36])
        .exclude(pk=exclude_pk or 0)
        .values_list("code", flat=True)
    )
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base[:36]}-{number}"
        number += 1
    return candidate


def _zone_values(contract: Contract, shape: Any) -> dict[str, Any]:
    parent = choose_zone_parent(contract_municipalities(contract), shape)
    if parent is None:
        raise DomainError(
            _("The zone lies outside the contract's municipalities."), field="geometry"
        )
    lat, lon = geo.label_point(shape)
    return {
        "parent": parent,
        "geometry": geo.to_geojson_text(shape),
        "bbox": geo.bbox_text(shape),
        "label_lat": lat,
        "label_lon": lon,
        "area_km2": geo.area_km2(shape),
    }


@transaction.atomic
def zone_create(
    *,
    actor: Any,
    contract: Contract,
    name: str,
    code: str = "",
    geometry_geojson: str,
    description: str = "",
) -> Area:
    """A zone the contract defines (an estate, a neighbourhood), drawn or uploaded."""
    _require_zone_manager(actor, contract)
    if not name.strip():
        raise DomainError(_("A zone needs a name."), field="name")
    territory_limits.lock_contract(contract)
    too_many = territory_limits.too_many_zones(contract, territory_limits.zone_count(contract) + 1)
    if too_many is not None:
        raise DomainError(too_many)
    shape = _zone_shape(geometry_geojson)
    zone = create_validated(
        Area,
        actor=actor,
        reason="zone created",
        kind=AreaKind.ZONE,
        owner_contract=contract,
        code=_zone_code(contract, code, name, exclude_pk=None),
        name=name.strip(),
        description=description.strip(),
        data_origin=DataOrigin.ENTERED,
        **_zone_values(contract, shape),
    )
    _cover(contract, [zone])
    return zone


def _cover(contract: Contract, zones: list[Area]) -> None:
    """A zone the contract defines is part of the territory it covers, drawn or uploaded."""
    contract.areas.add(*zones)


#: What the zone form shows and edits: its version is a digest of these (no version column).
ZONE_EDITED_FIELDS = ("name", "code", "description", "geometry")


def zone_version(zone: Area) -> str:
    return content_version(zone, ZONE_EDITED_FIELDS)


@transaction.atomic
def zone_update(
    *,
    actor: Any,
    zone: Area,
    expected_version: str | None,
    name: str,
    code: str = "",
    geometry_geojson: str = "",
    description: str = "",
) -> Area:
    """Rename, redescribe or redraw a zone (an empty geometry keeps the current boundary).

    ``expected_version`` (``zone_version`` of what the form showed) must match the stored
    zone: refused without one (400), a conflict if it changed meanwhile (409).
    """
    contract = zone.owner_contract
    if zone.kind != AreaKind.ZONE or contract is None:
        raise DomainError(_("Only contract zones can be changed here."))
    _require_zone_manager(actor, contract)
    stored = Area.objects.select_for_update().get(pk=zone.pk)
    require_version(zone_version(stored), expected_version)
    if not name.strip():
        raise DomainError(_("A zone needs a name."), field="name")
    zone.name = name.strip()
    zone.description = description.strip()
    zone.code = _zone_code(contract, code or zone.code, name, exclude_pk=zone.pk)
    fields = ["name", "description", "code", "updated_at"]
    if geometry_geojson.strip():
        for key, value in _zone_values(contract, _zone_shape(geometry_geojson)).items():
            setattr(zone, key, value)
        fields += ["parent", "geometry", "bbox", "label_lat", "label_lon", "area_km2"]
    save_fields(zone, fields, actor=actor, reason="zone changed")
    return zone


@transaction.atomic
def zone_delete(*, actor: Any, zone: Area) -> None:
    contract = zone.owner_contract
    if zone.kind != AreaKind.ZONE or contract is None:
        raise DomainError(_("Only contract zones can be deleted here."))
    _require_zone_manager(actor, contract)
    mark_change(zone, actor=actor, reason="zone deleted")
    try:
        zone.delete()
    except ProtectedError as exc:
        raise DomainError(
            _("This zone is used by other records (data, measures) and cannot be deleted.")
        ) from exc


def zone_import_create(
    *,
    actor: Any,
    contract: Contract,
    uploaded_file: UploadedFile,
    code_field: str = "",
    name_field: str = "",
) -> AreaImport:
    """Upload a file of zones: checked here, then run by the territory's boundary importer."""
    _require_zone_manager(actor, contract)
    return territory_services.area_import_create(
        actor=actor,
        uploaded_file=uploaded_file,
        kind=AreaKind.ZONE,
        contract=contract,
        code_field=code_field,
        name_field=name_field,
    )


def on_zones_changed(
    sender: Any, *, contract_id: int | None = None, zone_ids: Any = (), **kwargs: Any
) -> None:
    """Receiver of ``territory.signals.zones_changed`` (an upload, the command line).

    The uploaded zones join the contract's covered areas as drawn ones do, and the
    contract's pages, which show its zones, move their cache generation.
    """
    if contract_id is None:
        return
    if zone_ids:
        contract = Contract.objects.get(pk=contract_id)
        _cover(
            contract,
            list(
                Area.objects.filter(
                    pk__in=list(zone_ids), kind=AreaKind.ZONE, owner_contract=contract
                )
            ),
        )
    contract_touch(contract_id)
