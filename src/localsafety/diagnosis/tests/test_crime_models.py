"""The crime data models: the taxonomy written by the migration, police-owned records readable
only by the owning force, and the system check that knows the police-owned category."""

from __future__ import annotations

import pytest
from django.db import models
from django.test.utils import isolate_apps

from localsafety.contracts.checks import ownership_errors
from localsafety.contracts.ownership import PoliceOwned
from localsafety.diagnosis.models import CrimeCategory, Incident, IncidentDataset
from localsafety.diagnosis.taxonomy import LEAF_CODES, TAXONOMY
from localsafety.diagnosis.tests.leak_markers import incident_data_marked
from localsafety.organisations.access import forget_scope
from localsafety.organisations.models import Membership, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_the_taxonomy_has_the_five_dgpj_groups_and_sensitive_leaves(world):
    groups = set(CrimeCategory.objects.filter(level="group").values_list("code", flat=True))
    assert groups == {"persons", "property", "society", "state", "other-legislation"}
    assert CrimeCategory.objects.count() == len(TAXONOMY)
    sensitive = set(CrimeCategory.objects.filter(is_sensitive=True).values_list("code", flat=True))
    assert sensitive == {"domestic-violence", "sexual-offences"}
    assert sensitive <= LEAF_CODES
    domestic = CrimeCategory.objects.get(code="domestic-violence")
    assert domestic.parent.code == "physical-integrity"
    assert domestic.parent.parent.code == "persons"


def test_incident_data_is_read_only_by_the_owning_force(world):
    marked = incident_data_marked(world)
    incident = next(record for record in marked.records if isinstance(record, Incident))
    assert list(Incident.objects.visible_to(world.commander_a)) == [incident]
    for person in (
        world.national,
        world.mayor_a,
        world.coordinator_a,
        world.partner_a,
        world.partner_b,
        world.stranger,
        None,
    ):
        assert not Incident.objects.visible_to(person).exists(), person
        assert not IncidentDataset.objects.visible_to(person).exists(), person
    gnr = Organisation.objects.create(name="GNR Beja", kind=OrganisationKind.GNR)
    Membership.objects.create(user=world.partner_b, organisation=gnr)
    forget_scope(world.partner_b)
    assert not Incident.objects.visible_to(world.partner_b).exists()  # another force


@isolate_apps("localsafety.diagnosis")
def test_the_check_accepts_police_owned_models_only_with_an_organisation_key():
    class Owned(PoliceOwned):
        organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)

        class Meta:
            app_label = "diagnosis"

    class WrongKey(PoliceOwned):
        organisation = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE)

        class Meta:
            app_label = "diagnosis"

    errors = ownership_errors([Owned, WrongKey])
    assert [(error.obj, error.id) for error in errors] == [(WrongKey, "localsafety.E003")]
