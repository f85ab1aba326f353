"""The national indicator matrix (versions, national roles only) and a contract's own
indicators."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from localsafety.core.errors import ConflictError, DomainError
from localsafety.diagnosis import selectors, services
from localsafety.diagnosis.indicators import CRIME_CATEGORIES, FORMULAS
from localsafety.diagnosis.models import Indicator, IndicatorMatrix, LocalIndicator

VALUES = {
    "code": "unemployment",
    "name_en": "Unemployment",
    "name_pt": "Desemprego",
    "definition": "Registered unemployed per 100 residents aged 15-64.",
    "unit": "percent",
    "theme": "social",
    "source": "IEFP",
    "formula": "population_share_under_15",
    "parameter": "",
}


def test_the_seeded_matrix_names_only_known_computations_and_real_categories(world):
    matrix = selectors.current_matrix()
    assert matrix is not None and matrix.version == 1
    codes = set(matrix.indicators.values_list("code", flat=True))
    assert {"crime-rate", "property-share", "domestic-violence-rate", "population-65-plus"} <= codes
    reference = settings.LOCALSAFETY_REFERENCE_DIR
    crime = reference / "pt_crime_registered_by_municipality_2021_2025.csv"
    with open(crime, encoding="utf-8") as f:
        published = {row["category"] for row in csv.DictReader(f)}
    with open(reference / "pt_municipalities.csv", encoding="utf-8") as f:
        columns = set(next(csv.reader(f)))
    assert {"population_2021", "population_2021_under15", "population_2021_65plus"} <= columns
    for indicator in matrix.indicators.all():
        formula = FORMULAS[indicator.formula]
        if formula.needs_category:
            assert indicator.parameter in published and indicator.parameter in CRIME_CATEGORIES
        else:
            assert indicator.parameter == ""


def test_a_change_makes_a_new_version_and_leaves_the_old_one(world):
    before = selectors.current_matrix()
    old = before.indicators.get(code="crime-rate")
    changed = dict(
        VALUES, code="crime-rate", formula="crime_rate", parameter="total", name_en="Crime rate (‰)"
    )
    matrix = services.indicator_matrix_change(
        actor=world.national,
        expected_version=before.version,
        note="Symbol in the name",
        replace="crime-rate",
        values=changed,
    )
    assert matrix.version == before.version + 1
    assert matrix.indicators.count() == before.indicators.count()
    assert matrix.indicators.get(code="crime-rate").name_en == "Crime rate (‰)"
    old.refresh_from_db()
    assert old.name_en == "Crime rate" and old.matrix == before
    # Someone still on the old version gets a conflict, not a silent overwrite.
    with pytest.raises(ConflictError):
        services.indicator_matrix_change(
            actor=world.national, expected_version=before.version, note="x", values=VALUES
        )
    added = services.indicator_matrix_change(
        actor=world.national, expected_version=matrix.version, note="Social", values=VALUES
    )
    assert added.indicators.filter(code="unemployment").exists()


@pytest.mark.parametrize("who", ["coordinator_a", "mayor_a", "commander_a", "partner_a"])
def test_only_national_users_change_the_matrix(world, who):
    version = selectors.current_matrix().version
    with pytest.raises(PermissionDenied):
        services.indicator_matrix_change(
            actor=getattr(world, who), expected_version=version, note="x", values=VALUES
        )
    assert IndicatorMatrix.objects.count() == 1


def test_a_formula_needs_the_right_parameter(world):
    version = selectors.current_matrix().version
    for bad in (
        {"formula": "crime_rate", "parameter": ""},
        {"formula": "made_up"},
        {"parameter": "total"},
    ):
        with pytest.raises(DomainError):
            services.indicator_matrix_change(
                actor=world.national, expected_version=version, note="x", values={**VALUES, **bad}
            )


def test_matrix_pages(world, client_for):
    page = client_for(None).get(reverse("indicators:matrix")).content.decode()
    assert "Crime rate" in page and reverse("indicators:add") not in page
    national = client_for(world.national)
    assert reverse("indicators:add") in national.get(reverse("indicators:matrix")).content.decode()
    assert client_for(world.coordinator_a).get(reverse("indicators:add")).status_code == 403
    indicator = selectors.current_matrix().indicators.get(code="homicide-rate")
    change = reverse("indicators:change", args=[indicator.pk])
    form = national.get(change).content.decode()
    assert 'name="version" value="1"' in form
    post = {
        **VALUES,
        "code": "homicide-rate",
        "formula": "crime_rate_100000",
        "parameter": "homicidio",
        "unit": "per_100000",
        "theme": "crime",
        "note": "Wording",
    }
    assert national.post(change, post).status_code == 400  # no version
    assert national.post(change, {**post, "version": 1}).status_code == 302
    assert national.post(change, {**post, "version": 1}).status_code == 404  # not current now
    assert selectors.current_matrix().version == 2
    assert Indicator.objects.filter(code="homicide-rate").count() == 2


def test_contracts_add_local_indicators_for_members_only(world, client_for):
    url = reverse("diagnosis:local_indicator_create", args=[world.contract_a.pk])
    assert client_for(world.commander_a).get(url).status_code == 403
    response = client_for(world.partner_a).post(url, {**VALUES, "code": "school-absence"})
    assert response.status_code == 302
    local = LocalIndicator.objects.get()
    assert local.contract == world.contract_a and local.created_by == world.partner_a
    listing = reverse("diagnosis:indicators", args=[world.contract_a.pk])
    assert "Unemployment" in client_for(world.mayor_a).get(listing).content.decode()
    assert client_for(world.partner_b).get(listing).status_code == 404
    assert client_for(None).get(listing).status_code in (302, 404)
    with pytest.raises(PermissionDenied):
        services.local_indicator_create(
            actor=world.partner_b, contract=world.contract_a, values={**VALUES, "code": "other"}
        )
