"""The history reads in Portuguese (issue 8, point 5): recorded reasons and field labels are
translated on the page; the API keeps the recorded codes."""

from __future__ import annotations

from localsafety.contracts.history import reason_label


def test_the_history_page_translates_reasons_and_labels(world, client_for):
    contract = world.contract_a
    page = client_for(world.coordinator_a).get(f"/contracts/{contract.pk}/history/")
    text = page.content.decode()
    assert "lugar atribuído (Comissão Coordenadora) pelo presidente da comissão" in text
    assert "seat added" not in text and "by the committee" not in text
    api = client_for(world.coordinator_a).get(f"/api/v1/contracts/{contract.pk}/history/").json()
    rows = api["results"] if isinstance(api, dict) else api
    reasons = [entry["reason"] for entry in rows]
    assert "seat added (committee) by the committee's chair" in reasons


def test_reasons_typed_by_people_stay_as_typed():
    assert reason_label("approve: Bom trabalho") in {
        "Approved: Bom trabalho",
        "Aprovado: Bom trabalho",
        "Aprovada: Bom trabalho",
    }
    assert reason_label("Mudança de sede") == "Mudança de sede"
    assert reason_label("") == ""
