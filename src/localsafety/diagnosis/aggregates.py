"""Crime aggregates of a contract's territory as each caller may see them.

One release per contract: counts by area (each parish of the territory and its municipality),
crime group and year, with every total. Police members of every force whose records are
counted read it whole; everyone else reads it through ``analysis.suppression`` (small counts
hidden, and enough others that none can be derived). Each figure a reader who is not police
can read as an exact incident count is an item of this one release, suppressed once, so
every output hides the same cells (two outputs choosing their hidden cells on their own let
one's shown total minus the other's shown cells give back a hidden count):

- the crime figures page (``diagnosis:crime``), its CSV (``diagnosis:crime_csv``) and
  GeoJSON (``diagnosis:crime_geojson``, the all-groups rows) downloads;
- the crime-aggregates API (``api:contract-crime-aggregates``);
- the diagnosis document's crime table and charts, page, PDF and API (``document.py``; the
  live document reads the release as an outsider, an approved one stores what it read then,
  and what it shows enters the live release as known figures, :func:`approved_items`);
- the analyses page's registered incidents per year (``analyses:index``): the municipality's
  all-groups yearly items of the release, read through :func:`municipal_yearly_counts`.

Not exact counts, so not items of this release: an aggregate analysis run's H3 cells and its
weekday x hour heat grid -- its page ``analyses:run``, ``cells_csv``, ``cells_geojson``,
``heat_grid_csv``, ``api:analysis-run-detail``, and the document's heat-grid and hot-spot
figures drawn from a run -- are stored as bands at least ``threshold`` wide with small cells
hidden (``diagnosis.analyses``; a band against an exact total of this release leaves an
interval at least a band wide), beside shares and ratios (concentration, PAI/PEI) with no
count; published statistics (``comparison.py``) are public already.

Counts are read from the aggregate table kept current at import (``IncidentCount``), never from
incident records.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from localsafety.analysis.suppression import Item, cube_items, suppress
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.diagnosis.models import (
    CategoryLevel,
    CountUnit,
    CrimeCategory,
    DiagnosisSnapshot,
    IncidentCount,
    IncidentDataset,
)
from localsafety.territory.models import AreaKind

logger = logging.getLogger(__name__)

ALL = "all"
#: Bump when the suppression's rules change, so cached results are recomputed.
SUPPRESSION_VERSION = 2
OTHER = "~other"  # the municipality's counts outside the contract's parishes (or unlocated)
#: How long an outsider's release is kept whole; its key holds the version of every input, so
#: this only bounds memory (and a renamed crime group's old name).
RELEASE_SECONDS = 600


@dataclass(frozen=True)
class AggregateRow:
    area_code: str
    area_name: str
    category_code: str
    category_name: str
    year: int | None  # None: all years
    count: int | None  # None: hidden


@dataclass(frozen=True)
class CrimeTable:
    rows: list[AggregateRow]
    suppressed: bool
    threshold: int
    years: list[int]
    provenance: str


def _groups() -> tuple[dict[int, str], dict[str, str]]:
    """Each category's group code, and each group's name."""
    categories = list(CrimeCategory.objects.all())
    by_id = {c.pk: c for c in categories}
    group_of: dict[int, str] = {}
    for category in categories:
        node = category
        while node.level != CategoryLevel.GROUP and node.parent_id is not None:
            node = by_id[node.parent_id]
        group_of[category.pk] = node.code if node.level == CategoryLevel.GROUP else ALL
    names = {c.code: str(c) for c in categories if c.level == CategoryLevel.GROUP}
    return group_of, names


def _suppressed(
    items: list[Item], atoms: dict[Hashable, int], threshold: int
) -> dict[Hashable, int | None]:
    """The suppressed values, cached under a digest of everything they depend on.

    Secondary suppression of a large territory takes seconds; its result depends only on the
    counts, the table's shape and the threshold, so new data makes a new key (nothing stale).
    """
    digest = hashlib.sha256(
        repr(
            (
                SUPPRESSION_VERSION,
                threshold,
                sorted((repr(it.key), it.public, sorted(map(repr, it.atoms))) for it in items),
                sorted((repr(k), v) for k, v in atoms.items()),
            )
        ).encode()
    ).hexdigest()
    key = f"diagnosis:suppressed:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = dict(suppress(items, atoms, threshold=threshold).values)
        cache.set(key, cached, timeout=7 * 24 * 3600)
    return cached  # type: ignore[no-any-return]


def approved_items(
    contract: Contract,
    area_dim: dict[Hashable, list[str]],
    group_dim: dict[Hashable, list[str]],
    atoms: dict[Hashable, int],
) -> list[Item]:
    """The figures an approved diagnosis of the contract published, as ``public`` items.

    An approved document keeps the crime table it was approved with, beside the live one;
    when later data adds a year the live release would choose its hidden cells anew, and the
    approved table's all-years totals (over fewer years) or cells it showed, against the live
    table's, would give hidden counts back. Every figure the approved table shows whose atoms
    still count the same is therefore a known figure of the live release: it stays shown, and
    the live suppression protects every small count against it too. A figure whose count has
    changed since (late records) says nothing exact about today's counts and is left out.
    """
    out: list[Item] = []
    for snapshot in DiagnosisSnapshot.objects.filter(contract=contract).order_by("pk"):
        figures = snapshot.figures or {}
        years_then = [int(y) for y in figures.get("years") or []]
        for row in figures.get("rows") or []:
            count, area, group = row.get("count"), row.get("area_code"), row.get("category_code")
            if count is None or area not in area_dim or group not in group_dim:
                continue
            years = years_then if row.get("year") is None else [int(row["year"])]
            cells = frozenset(
                (a, g, y) for a in area_dim[area] for g in group_dim[group] for y in years
            )
            if not cells or not cells <= atoms.keys():
                continue
            if sum(atoms[c] for c in cells) != int(count):
                continue
            out.append(
                Item(
                    key=("approved", snapshot.pk, area, group, row.get("year")),
                    atoms=cells,
                    public=True,
                )
            )
    return out


def release_key(contract: Contract) -> str:
    """The cache key of the contract's release as every reader who is not police reads it: a
    digest of the version of what it is computed from, read in a few aggregate queries (the
    counts themselves are thousands of rows at national scale)."""
    generation = (
        Contract.objects.filter(pk=contract.pk).values_list("updated_at", flat=True).first()
    )
    inputs = (
        SUPPRESSION_VERSION,
        contract.pk,
        # Moved by every write to a row of the contract (its areas, its stages and their
        # snapshots) and by a rename of its municipality.
        generation.isoformat() if generation else None,
        get_language(),
        settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD,
        # Every import and deletion of a data set changes the counts kept at import.
        sorted(
            IncidentDataset.objects.aggregate(
                n=Count("pk"), top=Max("pk"), at=Max("finished_at")
            ).items()
        ),
        # The territory's counts themselves, summed in the database (a recount or a bulk
        # load writes counts without a data set of its own).
        sorted(
            IncidentCount.objects.filter(
                Q(
                    unit=CountUnit.PARISH,
                    unit_code__in=contract.areas.filter(kind=AreaKind.PARISH).values("code"),
                )
                | Q(unit=CountUnit.MUNICIPALITY, unit_code=contract.municipality.code)
            )
            .aggregate(n=Count("pk"), total=Sum("count"), top=Max("pk"))
            .items()
        ),
        sorted(CrimeCategory.objects.aggregate(n=Count("pk"), top=Max("pk")).items()),
        sorted(
            DiagnosisSnapshot.objects.filter(contract=contract)
            .aggregate(n=Count("pk"), top=Max("pk"))
            .items()
        ),
    )
    return "diagnosis:crime-release:" + hashlib.sha256(repr(inputs).encode()).hexdigest()


def contract_crime_table(user: Any, contract: Contract) -> CrimeTable:
    """The contract's release as ``user`` may read it: whole for police of every force whose
    records are counted, suppressed for everyone else -- one table, the same for all of them,
    so it is kept in the cache under :func:`release_key`."""
    if scope_for(user).police_organisation_ids:
        return _crime_table(user, contract)
    key = release_key(contract)
    table: CrimeTable | None = cache.get(key)
    if table is None:
        table = _crime_table(user, contract)
        cache.set(key, table, RELEASE_SECONDS)
    return table


def _crime_table(user: Any, contract: Contract) -> CrimeTable:
    municipality = contract.municipality
    parishes = {
        a.code: a.name for a in contract.areas.filter(kind=AreaKind.PARISH).order_by("code")
    }
    group_of, group_names = _groups()
    counts: dict[tuple[str, str, int], int] = defaultdict(int)
    organisations: set[int] = set()
    rows = (
        IncidentCount.objects.filter(unit=CountUnit.PARISH, unit_code__in=list(parishes))
        .values_list("unit", "unit_code", "year", "category_id", "organisation_id")
        .annotate(total=Sum("count"))
    )
    municipal = (
        IncidentCount.objects.filter(unit=CountUnit.MUNICIPALITY, unit_code=municipality.code)
        .values_list("unit", "unit_code", "year", "category_id", "organisation_id")
        .annotate(total=Sum("count"))
    )
    municipal_totals: dict[tuple[str, int], int] = defaultdict(int)
    for _unit, code, year, category_id, organisation_id, total in rows:
        counts[(code, group_of[category_id], year)] += total
        organisations.add(organisation_id)
    for _unit, _code, year, category_id, organisation_id, total in municipal:
        municipal_totals[(group_of[category_id], year)] += total
        organisations.add(organisation_id)
    years = sorted({key[2] for key in counts} | {key[1] for key in municipal_totals})
    groups = sorted(set(group_names) | {key[1] for key in counts})
    for (group, year), total in municipal_totals.items():
        inside = sum(counts.get((p, group, year), 0) for p in parishes)
        counts[(OTHER, group, year)] = max(total - inside, 0)
    area_dim: dict[Hashable, list[str]] = {p: [p] for p in parishes}
    area_dim[municipality.code] = [*parishes, OTHER]
    group_dim: dict[Hashable, list[str]] = {g: [g] for g in groups}
    group_dim[ALL] = list(groups)
    year_dim: dict[Hashable, list[int]] = {y: [y] for y in years}
    year_dim[ALL] = list(years)
    items = cube_items([area_dim, group_dim, year_dim])
    atoms: dict[Hashable, int] = {
        (a, g, y): counts.get((a, g, y), 0)
        for a in [*parishes, OTHER]
        for g in groups
        for y in years
    }
    approved = approved_items(contract, area_dim, group_dim, atoms)
    threshold = settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD
    police = scope_for(user).police_organisation_ids
    whole = bool(organisations) and organisations <= police
    values: dict[Hashable, int | None]
    if whole:
        values = {it.key: sum(atoms[a] for a in it.atoms) for it in items}
    else:
        values = _suppressed([*items, *approved], atoms, threshold)
    names = {**parishes, municipality.code: municipality.name}
    group_labels = {**group_names, ALL: _("All crimes")}
    out = []
    for item in items:
        key: tuple[Any, ...] = item.key  # type: ignore[assignment]
        area, group, year = key
        out.append(
            AggregateRow(
                area_code=str(area),
                area_name=names[str(area)],
                category_code=str(group),
                category_name=group_labels.get(str(group), str(group)),
                year=None if year == ALL else int(year),
                count=values[item.key],
            )
        )
    return CrimeTable(
        rows=out,
        suppressed=not whole,
        threshold=threshold,
        years=years,
        provenance=_(
            "Source: incident records imported by the police forces, counted by parish, "
            "municipality, crime group and year at import. Method: counts below %(threshold)s "
            "hidden, and other cells hidden so that no hidden count can be derived from totals."
        )
        % {"threshold": threshold},
    )


def municipal_yearly_counts(user: Any, contract: Contract) -> list[tuple[int, int | None]]:
    """(year, count or ``None`` when hidden) of every crime in the contract's municipality:
    the municipality's all-groups yearly figures of :func:`contract_crime_table`, so any page
    showing them hides exactly what the crime figures hide."""
    table = contract_crime_table(user, contract)
    code = contract.municipality.code
    return [
        (row.year, row.count)
        for row in table.rows
        if row.area_code == code and row.category_code == ALL and row.year is not None
    ]


def warm_contract_releases(municipality_codes: Iterable[str]) -> int:
    """Compute (and so cache) the suppressed release of every contract of these municipalities.

    Run after an import has committed new counts: the release's secondary suppression takes
    seconds for a large territory and is cached under a digest of its inputs, so the first
    reader after the import would otherwise wait for it. The release is computed as an
    outsider reads it (the suppressed one; police read the counts whole, uncached). A contract
    that fails is logged and skipped; the number of releases computed is returned.
    """
    codes = sorted({str(code) for code in municipality_codes if code})
    if not codes:
        return 0
    warmed = 0
    contracts = Contract.objects.filter(municipality__code__in=codes).select_related("municipality")
    for contract in contracts.order_by("pk"):
        try:
            contract_crime_table(None, contract)
        except Exception:  # noqa: BLE001 - a cold cache is slower, never wrong
            logger.exception("warming the crime release of contract %s failed", contract.pk)
            continue
        warmed += 1
    return warmed
