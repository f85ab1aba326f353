"""The load mix of ``make bench`` (run by ``benchmarks/run.py`` through ``locust --headless``).

Every simulated person is a municipal safety coordinator of one generated contract who, like
the public, also browses anonymously: half of the requests carry no credentials (the overview,
a filtered overview, published contracts' pages and stage pages, the public API list), half
carry the coordinator's session or API token (their contract's tabs and the API lists of its
meetings, stages and bodies). There is no think time: each person sends the next request when
the previous one is answered, so a run measures what the server can do, not what people ask.

Once a minute (the first at a random moment of the first minute) each person records a meeting
through the API; every 201 is written to the acknowledgement file at the end, and
``run.py`` then checks that each acknowledged meeting is in the database (lost writes).

The plan (contracts, sessions, tokens) comes from the JSON file named by
``LOCALSAFETY_LOAD_PLAN``; ``LOCALSAFETY_LOAD_WRITES=0`` turns writes off (the single-client
calibration run). Only ``run.py``'s loopback server is ever addressed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, events, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(
    Path(os.environ["LOCALSAFETY_LOAD_PLAN"]).read_text(encoding="utf-8")
)
WRITES = os.environ.get("LOCALSAFETY_LOAD_WRITES", "1") != "0"
WRITE_INTERVAL_S = 60.0
ACKNOWLEDGED: list[dict[str, Any]] = []
_people = list(PLAN["coordinators"])
_taken = 0


class Coordinator(FastHttpUser):
    """One person: anonymous reads, their own contract's tabs and API, one write a minute."""

    def on_start(self) -> None:
        global _taken
        if _taken >= len(_people):
            raise StopUser()  # more users than prepared people: run.py prepares enough
        self.person = _people[_taken]
        self.number = _taken
        _taken += 1
        self.contract = self.person["contract_id"]
        self.session_headers = {
            "Cookie": f"{PLAN['session_cookie']}={self.person['session']}",
            "Accept-Language": "en",
        }
        self.token_headers = {"Authorization": f"Token {self.person['token']}"}
        self.next_write = time.monotonic() + random.uniform(0, WRITE_INTERVAL_S)  # noqa: S311
        self.writes = 0

    def _maybe_write(self) -> None:
        if not WRITES or time.monotonic() < self.next_write:
            return
        self.next_write += WRITE_INTERVAL_S
        self.writes += 1
        agenda = f"{PLAN['run']} person {self.number} write {self.writes}"
        with self.client.post(
            f"/api/v1/contracts/{self.contract}/meetings/",
            json={
                "body": self.person["body_id"],
                "held_on": dt.date.today().isoformat(),  # noqa: DTZ011 - a calendar date
                "location": "Load test",
                "agenda": agenda,
            },
            headers=self.token_headers,
            name="write: meeting (API)",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                ACKNOWLEDGED.append({"id": response.json()["id"], "agenda": agenda})
                response.success()
            else:
                response.failure(f"meeting not recorded: {response.status_code}")

    def _public(self, path: str, name: str) -> None:
        self._maybe_write()
        self.client.get(path, name=name, headers={"Accept-Language": "en"})

    def _own(self, path: str, name: str, api: bool = False) -> None:
        self._maybe_write()
        headers = self.token_headers if api else self.session_headers
        self.client.get(path, name=name, headers=headers)

    # --- anonymous: the public side -------------------------------------------------------

    @task(3)
    def overview(self) -> None:
        self._public("/", "anonymous: overview")

    @task(2)
    def overview_filtered(self) -> None:
        self._public(random.choice(PLAN["filtered"]), "anonymous: overview filtered")  # noqa: S311

    @task(4)
    def public_contract(self) -> None:
        contract = random.choice(PLAN["published"])  # noqa: S311
        self._public(f"/contracts/{contract}/", "anonymous: contract page")

    @task(2)
    def public_stage(self) -> None:
        contract = random.choice(PLAN["published"])  # noqa: S311
        self._public(f"/contracts/{contract}/stages/diagnosis/", "anonymous: stage page")

    @task(1)
    def api_contract_list(self) -> None:
        self._public(f"/api/v1/contracts/?page={random.randint(1, 5)}", "anonymous: API contracts")  # noqa: S311

    # --- signed in: the coordinator's own contract ---------------------------------------

    @task(2)
    def own_contract(self) -> None:
        self._own(f"/contracts/{self.contract}/", "signed in: contract tab")

    @task(2)
    def own_tab(self) -> None:
        tab = random.choice(["governance", "stages", "meetings", "documents", "history"])  # noqa: S311
        self._own(f"/contracts/{self.contract}/{tab}/", "signed in: other tabs")

    @task(2)
    def own_api(self) -> None:
        what = random.choice(["meetings", "stages", "bodies"])  # noqa: S311
        self._own(f"/api/v1/contracts/{self.contract}/{what}/", "signed in: API lists", api=True)


@events.test_stop.add_listener
def _write_acknowledgements(**_: Any) -> None:
    path = os.environ.get("LOCALSAFETY_LOAD_ACKS")
    if path:
        Path(path).write_text(json.dumps(ACKNOWLEDGED), encoding="utf-8")
