"""Fillers for the organisation register's and the accounts' URL arguments (leak walk).

Organisations are public reference data: their ids name nothing of a contract.
"""

from __future__ import annotations

from localsafety.organisations.models import Membership
from localsafety.testing.leakwalk import Marked, marker


@marker
def organisations_marked(world) -> Marked:
    membership = Membership.objects.get(user=world.partner_a, organisation=world.ngo_a)
    return Marked(
        fillers={
            "organisation_id": [str(world.ngo_a.pk)],
            "membership_id": [str(membership.pk)],
            "uidb64": ["MQ"],
            "token": ["set-password"],
        },
        public_arguments={"organisation_id", "membership_id", "uidb64", "token"},
    )
