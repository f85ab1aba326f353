"""The ORM's second wall (finding 11): a number no integer column can hold matches nothing.

Before ``core.lookups``, SQLite raised ``OverflowError`` for these (a server error), where
Django's own ``pk=huge`` already matched nothing.
"""

from __future__ import annotations

import pytest

from localsafety.contracts.models import Meeting
from localsafety.territory.models import Area

HUGE = 99999999999999999999999


@pytest.mark.parametrize("value", [HUGE, -HUGE, 2**63])
def test_in_with_numbers_too_large_matches_only_what_fits(world, value):
    lisbon = world.municipality_a
    assert list(Area.objects.filter(pk__in=[value])) == []
    assert list(Area.objects.filter(pk__in=[value, lisbon.pk])) == [lisbon]
    assert Area.objects.exclude(pk__in=[value]).count() == Area.objects.count()


@pytest.mark.parametrize("value", [HUGE, -HUGE, 2**63])
def test_foreign_keys_with_numbers_too_large_match_nothing(world, value):
    assert list(Area.objects.filter(parent_id=value)) == []
    assert list(Area.objects.filter(parent=value)) == []
    assert list(Area.objects.filter(parent__in=[value, world.municipality_a.pk])) == [
        world.parish_a
    ]
    assert list(Meeting.objects.filter(contract_id__in=[value])) == []
    assert Area.objects.exclude(parent_id=value).count() == Area.objects.count()


def test_the_largest_id_still_works(world):
    assert list(Area.objects.filter(pk__in=[2**63 - 1])) == []
    assert list(Area.objects.filter(parent_id=2**63 - 1)) == []
