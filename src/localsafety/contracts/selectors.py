"""Reads for contracts, always filtered by what the person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    JUDGED_ACTIONS,
    Axis,
    BodyKind,
    BodyMember,
    Contract,
    ContractCategory,
    DecisionAction,
    Document,
    GovernanceBody,
    Meeting,
    Stage,
    StageDecision,
    StageKind,
)
from localsafety.contracts.ownership import Need
from localsafety.core.access import get_object_for_user
from localsafety.core.text import fold
from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area, AreaKind


@dataclass(frozen=True)
class ContractFilters:
    category: str = ""
    stage: str = ""
    axis: str = ""
    region: str = ""
    q: str = ""


def contract_list(user: Any, filters: ContractFilters | None = None) -> QuerySet[Contract]:
    """Contracts the person may see, filtered, with what a list row needs in two queries."""
    filters = filters or ContractFilters()
    region_name = Area.objects.filter(
        kind=AreaKind.NUTS2, owner_contract__isnull=True, code=OuterRef("municipality__nuts2_code")
    ).values("name")[:1]
    queryset = (
        Contract.objects.visible_to(user, Need.PAGE)
        .select_related("municipality")
        .defer("municipality__geometry", "municipality__description", "summary")
        .annotate(region_name=Subquery(region_name))
    )
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.axis:
        queryset = queryset.filter(axes__code=filters.axis, axes__contract__isnull=True)
    if filters.region:
        # Districts can span regions, so each municipality carries its own NUTS II code.
        queryset = queryset.filter(municipality__nuts2_code=filters.region)
    if filters.q:
        queryset = queryset.filter(
            Q(title_key__contains=fold(filters.q))
            | Q(municipality__name_key__contains=fold(filters.q))
        )
    return queryset.distinct().order_by("-signed_on", "title_key", "title", "pk")


def contract_map_highlight(queryset: QuerySet[Contract]) -> dict[str, dict[str, Any]]:
    """The overview map's highlighted municipalities for an already-filtered list, in one query.

    Keyed by the municipality's area id (the boundaries' ``properties.id``): its dominant
    category, the contracts' titles and a link (the contract when it is alone there, else the
    municipality's page, which lists them). The map already holds every boundary, so a filter
    change sends these few bytes instead of geometries.
    """
    rows = (
        queryset.order_by()
        .values_list("pk", "title", "category", "municipality_id", "municipality__code")
        .order_by("municipality_id", "title", "pk")
    )
    grouped: dict[int, list[tuple[int, str, str, str]]] = {}
    for pk, title, category, municipality_id, code in rows:
        grouped.setdefault(municipality_id, []).append((pk, title, category, code))
    detail = reverse("contracts:detail", args=[0]).replace("/0/", "/{}/")
    municipality = reverse("territory:municipality_detail", args=["0"]).replace("/0/", "/{}/")
    highlight = {}
    for municipality_id, contracts in grouped.items():
        categories = [category for _pk, _title, category, _code in contracts]
        url = (
            detail.format(contracts[0][0])
            if len(contracts) == 1
            else municipality.format(contracts[0][3])
        )
        highlight[str(municipality_id)] = {
            "category": max(sorted(set(categories)), key=categories.count),
            "label": "; ".join(title for _pk, title, _category, _code in contracts),
            "url": url,
        }
    return highlight


def contract_counts(
    queryset: QuerySet[Contract],
    *,
    regions: list[tuple[str, str]] | None = None,
    axes: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """National aggregates of an already-filtered list: by category, stage, region, axis.

    ``regions`` and ``axes`` are (code, name) pairs the caller already has (the filter
    form's choices); they are read from the database when not given.
    """
    by_category = dict(
        queryset.order_by().values_list("category").annotate(n=Count("pk", distinct=True))
    )
    by_stage = dict(queryset.order_by().values_list("stage").annotate(n=Count("pk", distinct=True)))
    region_names = dict(
        regions if regions is not None else nuts2_regions().values_list("code", "name")
    )
    by_region = (
        queryset.order_by()
        .values_list("municipality__nuts2_code")
        .annotate(n=Count("pk", distinct=True))
    )
    axis_names = dict(
        axes if axes is not None else [(axis.code, str(axis)) for axis in national_axes()]
    )
    by_axis = dict(
        Contract.objects.filter(pk__in=queryset.values("pk"), axes__contract__isnull=True)
        .order_by()
        .values_list("axes__code")
        .annotate(n=Count("pk", distinct=True))
    )
    return {
        "category": {key: by_category.get(key, 0) for key in ContractCategory.values},
        "stage": {key: by_stage.get(key, 0) for key in StageKind.values},
        "region": sorted(
            ((region_names.get(code or "", code or "—"), n) for code, n in by_region),
            key=lambda row: (-row[1], row[0]),
        ),
        "axis": [(name, by_axis.get(code, 0)) for code, name in axis_names.items()],
    }


def contracts_generation() -> tuple[Any, ...]:
    """Changes whenever anything a contract list shows changes (see core.fragments).

    One query: the newest contract change, the number of contracts, and the newest change
    to a municipality or region (names shown in the list and the filters).
    """
    newest_area = (
        Area.objects.filter(kind__in=[AreaKind.MUNICIPALITY, AreaKind.NUTS2])
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    row = Contract.objects.aggregate(
        newest=Max("updated_at"), n=Count("pk"), areas=Max(Subquery(newest_area))
    )
    return (row["newest"], row["n"], row["areas"])


def nuts2_regions() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.NUTS2, owner_contract__isnull=True).order_by(
        "name_key", "name"
    )


def national_axes() -> QuerySet[Axis]:
    return Axis.objects.national().order_by("position")


def contract_for(user: Any, contract_id: Any, *, need: Need | str = Need.PAGE) -> Contract:
    """The contract of a contract-scoped URL, resolved once for pages and API alike; 404 if
    it is missing or the person may not reach it for this ``need``.

    ``Need.PAGE``: its public page (published, or one's own); ``Need.RECORD``: its restricted
    record (meetings, documents, history; members and the national level).
    """
    return get_object_for_user(
        Contract.objects.visible_to(user, Need(need))
        .select_related("municipality", "municipality__parent", "lead_organisation")
        .defer("municipality__geometry", "municipality__parent__geometry"),
        pk=contract_id,
    )


def contract_stages(contract: Contract) -> list[Stage]:
    return list(contract.stages.order_by("position"))


def decision_trail(stage: Stage) -> list[StageDecision]:
    """The stage's decisions, newest first (one query), each approval, return or endorsement
    carrying ``submitted_by``: who submitted the deliverable it judged (separation of duties
    is visible in the trail: two different people). Pages and API read the trail from here.
    """
    decisions = list(
        stage.decisions.select_related("actor", "actor_organisation").order_by("-decided_at", "-pk")
    )
    submitter = None
    for decision in reversed(decisions):
        if decision.action == DecisionAction.SUBMIT:
            submitter = decision.actor
        elif decision.action == DecisionAction.REOPEN:
            submitter = None
        elif decision.action in JUDGED_ACTIONS:
            decision.submitted_by = submitter
    return decisions


def contract_bodies(contract: Contract) -> list[GovernanceBody]:
    members = BodyMember.objects.select_related("organisation", "person").order_by(
        "role", "organisation__name", "pk"
    )
    return list(
        contract.bodies.order_by("kind").prefetch_related(Prefetch("members", queryset=members))
    )


def contract_areas(contract: Contract) -> list[Area]:
    return list(contract.areas.select_related("parent").order_by("kind", "name_key", "name"))


def national_commission() -> GovernanceBody | None:
    members = BodyMember.objects.select_related("organisation").order_by(
        "organisation__name_key", "organisation__name"
    )
    return (
        GovernanceBody.objects.filter(kind=BodyKind.INTERMINISTERIAL, contract__isnull=True)
        .prefetch_related(Prefetch("members", queryset=members))
        .first()
    )


def meeting_list(user: Any, contract: Contract) -> QuerySet[Meeting]:
    """The contract's meetings the person may read (the contract's record)."""
    return (
        Meeting.objects.visible_to(user)
        .filter(contract=contract)
        .select_related("body", "recorded_by_organisation")
        .annotate(attendee_count=Count("attendees", distinct=True))
        .order_by("-held_on", "-pk")
    )


def document_list(user: Any, contract: Contract) -> QuerySet[Document]:
    """The contract's documents the person may read (the contract's record)."""
    return (
        Document.objects.visible_to(user)
        .filter(contract=contract)
        .select_related("organisation", "uploaded_by", "meeting", "stage")
        .order_by("-uploaded_at", "-pk")
    )


def organisation_seats(user: Any, organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's seats on governance bodies the viewer may see.

    Seats on contracts the viewer may open are listed; the seated person's name only where
    the viewer may read that contract's restricted record (national seats: national users).
    """
    scope = scope_for(user)
    seats: QuerySet[BodyMember] = (
        BodyMember.objects.visible_to(user, Need.PAGE)
        .filter(organisation=organisation)
        .select_related("body", "body__contract", "person")
        .order_by("body__contract__title", "body__kind", "role")
    )
    rows = []
    for seat in seats:
        contract = seat.body.contract
        may_name = scope.can_read_contract(contract.pk) if contract else scope.is_national
        rows.append(
            {
                "seat": seat,
                "body": seat.body,
                "contract": contract,
                "person": seat.display_name if may_name else "",
            }
        )
    return rows


def person_seats(user: Any) -> QuerySet[BodyMember]:
    return (
        BodyMember.objects.filter(person=user)
        .select_related("body", "body__contract", "organisation")
        .order_by("body__contract__title", "body__kind")
    )


#: How many organisations a committee-seat chooser shows at once (it is searched, not scrolled).
CHOOSER_LIMIT = 20


def organisations_to_seat(
    user: Any, contract: Contract, *, query: str = "", selected: Any = None
) -> tuple[list[Organisation], bool]:
    """Active organisations to offer for a seat on ``contract``'s bodies: those of the
    contract's municipality first, then the rest by name; matching ``query`` (accents and
    case ignored) when one is given. At most ``CHOOSER_LIMIT``, and whether more match; the
    organisation already ``selected`` (a form sent back with errors) is always among them."""
    organisations = Organisation.objects.visible_to(user).filter(is_active=True)
    if query.strip():
        key = fold(query)
        organisations = organisations.filter(
            Q(name_key__contains=key) | Q(short_name_key__contains=key)
        )
    ranked = list(
        organisations.select_related("municipality")
        .defer("municipality__geometry", "municipality__description")
        .annotate(
            elsewhere=Case(
                When(municipality_id=contract.municipality_id, then=Value(0)), default=Value(1)
            )
        )
        .order_by("elsewhere", "name_key", "name", "pk")[: CHOOSER_LIMIT + 1]
    )
    more = len(ranked) > CHOOSER_LIMIT
    chosen = ranked[:CHOOSER_LIMIT]
    selected_pk = getattr(selected, "pk", selected)
    if selected_pk and all(organisation.pk != selected_pk for organisation in chosen):
        extra = (
            Organisation.objects.visible_to(user)
            .filter(is_active=True, pk=selected_pk)
            .select_related("municipality")
            .defer("municipality__geometry", "municipality__description")
            .first()
        )
        if extra is not None:
            chosen.insert(0, extra)
    return chosen, more
