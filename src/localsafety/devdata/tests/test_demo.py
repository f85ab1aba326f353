from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from localsafety.contracts.models import Contract, ContractCategory
from localsafety.devdata.demo import DEMO_PASSWORD, contract_facts, load_demo
from localsafety.organisations.models import User
from localsafety.territory.models import Area, AreaKind

# The demo loads into an empty database; the shared test world is removed for these tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_db")]


@pytest.fixture
def without_reference(tmp_path):
    with override_settings(LOCALSAFETY_REFERENCE_DIR=tmp_path / "missing"):
        yield


def test_demo_loads_the_published_contracts_and_says_what_is_real(without_reference):
    result = load_demo()
    facts = contract_facts()
    assert result.contracts == len(facts) == Contract.objects.count()
    assert any("not found" in note for note in result.notes)  # says boundaries are missing
    by_code = {c.municipality.code: c for c in Contract.objects.select_related("municipality")}
    # Published facts (FACTS.md): categories, dates and the 16 Algarve municipalities.
    assert by_code["0213"].category == ContractCategory.CITIZEN
    assert by_code["1106"].signed_on == dt.date(2016, 7, 14)
    algarve = [c for c in by_code.values() if c.signed_on == dt.date(2016, 12, 5)]
    assert len(algarve) == 16 and {c.category for c in algarve} == {"municipality"}
    assert by_code["1113"].signed_on == dt.date(2018, 4, 18)
    assert {c.data_origin for c in by_code.values()} == {"real"}
    assert all("Synthetic" in c.source_note for c in by_code.values())
    zones = Area.objects.filter(kind=AreaKind.ZONE, owner_contract=by_code["1306"])
    assert [z.name for z in zones] == ["Bairro do Sobreiro"]
    # People are synthetic, and every printed login works with the printed password.
    for _label, username, password, _needs_code in result.logins:
        user = User.objects.get(username=username)
        assert password == DEMO_PASSWORD and user.check_password(password)
    assert User.objects.filter(data_origin="synthetic").count() >= 4 * len(facts)


def test_demo_runs_twice_without_duplicating(without_reference):
    load_demo()
    counts = (Contract.objects.count(), User.objects.count(), Area.objects.count())
    load_demo()
    assert (Contract.objects.count(), User.objects.count(), Area.objects.count()) == counts


def test_every_demo_account_whose_role_requires_two_factor_has_an_authenticator(
    without_reference,
):
    """Such accounts never enrol with their password alone (they need an enrolment link), so
    the demo gives each its authenticator with the published demo key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from localsafety.organisations.access import role_requires_two_factor
    from localsafety.organisations.two_factor import DEMO_TOTP_KEY

    result = load_demo()
    needing = [user for user in User.objects.all() if role_requires_two_factor(user)]
    police = [user for user in needing if user.username.startswith("police_")]
    assert len(police) == len(contract_facts())  # every contract's commander, not only Lisbon's
    assert {"demo_national", "admin"} <= {user.username for user in needing}
    for user in needing:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == DEMO_TOTP_KEY, user.username
        assert user.two_factor_enabled, user.username
    # The printed logins say who is asked for a code, and they are exactly those.
    for _label, username, _password, needs_code in result.logins:
        assert needs_code == User.objects.get(username=username).two_factor_enabled
