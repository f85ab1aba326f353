"""Small-count suppression, attacked.

Every test publishes what :func:`suppress` lets through and then plays the attacker with tools
that share no code with the module: integer programming (``scipy.optimize.milp``) for the exact
range of every hidden count, the rank of the published equations for what plain algebra solves,
and a brute-force enumeration on the smallest tables. A hidden small count must keep at least
two possible values, one of them below the threshold.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from localsafety.analysis.suppression import Item, Suppression, cube_items, suppress

THRESHOLD = 10


def _matrix(items: Sequence[Item], atoms: Sequence[Hashable]) -> dict[Hashable, np.ndarray]:
    index = {a: i for i, a in enumerate(atoms)}
    rows = {}
    for item in items:
        row = np.zeros(len(atoms))
        for a in item.atoms:
            row[index[a]] = 1.0
        rows[item.key] = row
    return rows


def integer_attack(
    items: Sequence[Item], counts: Mapping[Hashable, int], result: Suppression
) -> dict[Hashable, tuple[int, int]]:
    """Exact integer range of every hidden item, given every shown one (and counts >= 0)."""
    atoms = sorted(counts, key=repr)
    rows = _matrix(items, atoms)
    shown = [k for k, v in result.values.items() if v is not None]
    a = np.array([rows[k] for k in shown]) if shown else np.zeros((0, len(atoms)))
    b = np.array([result.values[k] for k in shown], dtype=float)
    constraints = [LinearConstraint(a, b, b)] if shown else []
    out = {}
    for key in sorted(result.hidden, key=repr):
        bounds = []
        for sense in (1.0, -1.0):
            res = milp(
                sense * rows[key],
                constraints=constraints,
                integrality=np.ones(len(atoms)),
                bounds=Bounds(0, 10_000),
            )
            assert res.success, res.message
            bounds.append(round(sense * res.fun))
        out[key] = (bounds[0], bounds[1])
    return out


def algebra_solves(
    items: Sequence[Item], counts: Mapping[Hashable, int], result: Suppression, key: Hashable
) -> bool:
    """Whether linear algebra alone gives ``key`` (its row lies in the span of the shown)."""
    atoms = sorted(counts, key=repr)
    rows = _matrix(items, atoms)
    shown = [rows[k] for k, v in result.values.items() if v is not None]
    if not shown:
        return False
    a = np.array(shown)
    return bool(np.linalg.matrix_rank(np.vstack([a, rows[key]])) == np.linalg.matrix_rank(a))


def assert_unrecoverable(
    items: Sequence[Item], counts: Mapping[Hashable, int], result: Suppression
) -> None:
    for item in items:
        value = sum(counts[a] for a in item.atoms)
        shown = result.values[item.key]
        # What is shown is true, and nothing small is shown unless it was public already.
        assert shown is None or shown == value
        if 0 < value < result.threshold and not item.public:
            assert shown is None, item.key
    attack = integer_attack(items, counts, result)
    for key in result.primary:
        lo, hi = attack[key]
        assert hi > lo, f"{key} pinned to {lo}"
        assert lo < result.threshold
        assert not algebra_solves(items, counts, result, key)


def table(rows: int, cols: int) -> list[Item]:
    r = {f"r{i}": [f"r{i}"] for i in range(rows)} | {"R": [f"r{i}" for i in range(rows)]}
    c = {f"c{j}": [f"c{j}"] for j in range(cols)} | {"C": [f"c{j}" for j in range(cols)]}
    return cube_items([r, c])


def test_small_counts_are_hidden_and_zero_is_shown() -> None:
    items = table(2, 2)
    counts = {("r0", "c0"): 3, ("r0", "c1"): 0, ("r1", "c0"): 40, ("r1", "c1"): 50}
    result = suppress(items, counts, threshold=THRESHOLD)
    assert ("r0", "c0") in result.primary
    assert result.values[("r1", "c1")] is None or ("r1", "c1") in result.secondary
    assert ("r0", "c1") not in result.primary
    assert_unrecoverable(items, counts, result)


def test_a_row_total_does_not_reveal_its_one_hidden_cell() -> None:
    items = table(3, 3)
    counts = {
        ("r0", "c0"): 4, ("r0", "c1"): 25, ("r0", "c2"): 31,
        ("r1", "c0"): 18, ("r1", "c1"): 22, ("r1", "c2"): 40,
        ("r2", "c0"): 27, ("r2", "c1"): 19, ("r2", "c2"): 33,
    }  # fmt: skip
    result = suppress(items, counts, threshold=THRESHOLD)
    # Without secondary suppression the margins give the cell back exactly.
    naive = Suppression(
        values={k: (None if k in result.primary else v) for k, v in _true(items, counts).items()},
        primary=result.primary,
        secondary=frozenset(),
        threshold=THRESHOLD,
        protection=1,
    )
    assert integer_attack(items, counts, naive)[("r0", "c0")] == (4, 4)
    assert result.secondary
    assert_unrecoverable(items, counts, result)


def test_zero_complements_protect_nothing() -> None:
    # The only siblings of the small cell are zeros: a zero cannot move down, so a 2x2 of zeros
    # would pin the cell; the complement must be positive.
    items = table(3, 3)
    counts = {
        ("r0", "c0"): 5, ("r0", "c1"): 0, ("r0", "c2"): 30,
        ("r1", "c0"): 0, ("r1", "c1"): 0, ("r1", "c2"): 12,
        ("r2", "c0"): 20, ("r2", "c1"): 14, ("r2", "c2"): 16,
    }  # fmt: skip
    result = suppress(items, counts, threshold=THRESHOLD)
    assert_unrecoverable(items, counts, result)


def test_a_parish_is_not_its_municipality_minus_the_others() -> None:
    # The municipality's total is public (DGPJ); parishes come from incidents, and some incidents
    # have no parish ("unlocated"), which is a hidden atom of the municipality.
    parishes = ["p1", "p2", "p3", "p4"]
    area = {p: [p] for p in parishes} | {"municipality": [*parishes, "unlocated"]}
    category = {"property": ["property"], "persons": ["persons"]}
    category["all"] = ["property", "persons"]
    items = cube_items([area, category], public=[("municipality", c) for c in category])
    counts = {
        ("p1", "property"): 120, ("p1", "persons"): 6,
        ("p2", "property"): 95, ("p2", "persons"): 31,
        ("p3", "property"): 2, ("p3", "persons"): 44,
        ("p4", "property"): 60, ("p4", "persons"): 28,
        ("unlocated", "property"): 0, ("unlocated", "persons"): 0,
    }  # fmt: skip
    result = suppress(items, counts, threshold=THRESHOLD)
    assert ("p1", "persons") in result.primary and ("p3", "property") in result.primary
    # The public municipal totals stay shown: they were never ours to hide.
    assert all(result.values[("municipality", c)] is not None for c in category)
    assert_unrecoverable(items, counts, result)


def test_two_overlapping_periods_do_not_reveal_their_difference() -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    counts = {m: 40 for m in months}
    counts["2024-07"] = 3  # July alone is small; no July figure is published
    periods = {
        "first half": months[:6],
        "January to July": months[:7],
        "year": months,
    }
    items = [Item(key=k, atoms=frozenset(v)) for k, v in periods.items()]
    result = suppress(items, counts, threshold=THRESHOLD)
    shown = {k for k, v in result.values.items() if v is not None}
    assert not {"first half", "January to July"} <= shown
    # The attacker's best: July's range from whatever is shown, by integer programming.
    july = Item(key="july", atoms=frozenset(["2024-07"]))
    atoms = sorted(counts)
    rows = _matrix([*items, july], atoms)
    a = np.array([rows[k] for k in sorted(shown)])
    b = np.array([result.values[k] for k in sorted(shown)], dtype=float)
    rng = []
    for sense in (1.0, -1.0):
        res = milp(
            sense * rows["july"],
            constraints=[LinearConstraint(a, b, b)],
            integrality=np.ones(len(atoms)),
            bounds=Bounds(0, 10_000),
        )
        rng.append(round(sense * res.fun))
    assert rng[1] > rng[0]


def test_rolling_periods_in_a_cube_protect_each_small_month() -> None:
    months = [f"m{i:02d}" for i in range(24)]
    period = {"year 1": months[:12], "year 2": months[12:], "rolling": months[6:18]}
    area = {"a": ["a"], "b": ["b"], "all": ["a", "b"]}
    items = cube_items([area, period])
    rng = np.random.default_rng(7)
    counts = {(a, m): int(rng.integers(15, 40)) for a in "ab" for m in months}
    counts[("a", "m06")] = counts[("a", "m17")] = 0
    for m in months[6:18]:
        counts[("b", m)] = 0
    counts[("b", "m07")] = 2
    result = suppress(items, counts, threshold=THRESHOLD)
    assert_unrecoverable(items, counts, result)


def test_brute_force_on_a_tiny_table() -> None:
    items = table(2, 2)
    counts = {("r0", "c0"): 2, ("r0", "c1"): 11, ("r1", "c0"): 12, ("r1", "c1"): 13}
    result = suppress(items, counts, threshold=THRESHOLD)
    shown = {k: v for k, v in result.values.items() if v is not None}
    cells = sorted(counts)
    possible = set()
    for values in itertools.product(range(60), repeat=len(cells)):
        x = dict(zip(cells, values, strict=True))
        if all(sum(x[a] for a in it.atoms) == shown[it.key] for it in items if it.key in shown):
            possible.add(x[("r0", "c0")])
    assert len(possible) > 1 and min(possible) < THRESHOLD


def test_the_same_release_gives_the_same_output_in_any_order() -> None:
    # The page, the CSV and the API call one function on one release: same input, same output,
    # whatever order each of them lists the items in.
    items = table(4, 3)
    rng = np.random.default_rng(3)
    counts = {(f"r{i}", f"c{j}"): int(rng.integers(0, 25)) for i in range(4) for j in range(3)}
    first = suppress(items, counts, threshold=THRESHOLD)
    again = suppress(list(reversed(items)), dict(reversed(list(counts.items()))), threshold=10)
    assert first == again


def test_a_small_count_the_public_figures_already_give_is_reported() -> None:
    items = [
        Item(key="municipality", atoms=frozenset({"p1", "p2"}), public=True),
        Item(key="p1", atoms=frozenset({"p1"}), public=True),
        Item(key="p2", atoms=frozenset({"p2"})),
    ]
    result = suppress(items, {"p1": 50, "p2": 4}, threshold=THRESHOLD)
    assert "p2" in result.exposed_by_public


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress([Item("a", frozenset({"x"}))], {"x": -1}, threshold=10)
    with pytest.raises(ValueError):
        suppress([Item("a", frozenset({"x"}))], {}, threshold=10)
    with pytest.raises(ValueError):
        suppress([Item("a", frozenset({"x"})), Item("a", frozenset({"x"}))], {"x": 1}, threshold=10)


def _true(items: Sequence[Item], counts: Mapping[Hashable, int]) -> dict[Hashable, int]:
    return {it.key: sum(counts[a] for a in it.atoms) for it in items}


@st.composite
def hierarchical_tables(draw: st.DrawFn) -> tuple[list[Item], dict[Hashable, int], int]:
    """Two dimensions, each leaves plus groups (possibly overlapping) plus a total."""
    dims = []
    for name in ("a", "b"):
        n = draw(st.integers(2, 4))
        leaves = [f"{name}{i}" for i in range(n)]
        dim: dict[Hashable, list[str]] = {leaf: [leaf] for leaf in leaves}
        if n > 2 and draw(st.booleans()):
            dim[f"{name}-group"] = leaves[: n - 1]
        dim[f"{name}-total"] = leaves
        dims.append(dim)
    items = cube_items(dims)
    atoms = sorted({a for it in items for a in it.atoms}, key=repr)
    values = draw(
        st.lists(
            st.one_of(st.integers(0, 12), st.integers(0, 60)),
            min_size=len(atoms),
            max_size=len(atoms),
        )
    )
    threshold = draw(st.integers(2, 10))
    return items, dict(zip(atoms, values, strict=True)), threshold


@given(hierarchical_tables())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_no_hidden_small_count_can_be_recovered(
    case: tuple[list[Item], dict[Hashable, int], int],
) -> None:
    items, counts, threshold = case
    result = suppress(items, counts, threshold=threshold)
    assert_unrecoverable(items, counts, result)


@given(hierarchical_tables(), st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None)
def test_property_order_does_not_matter(
    case: tuple[list[Item], dict[Hashable, int], int], random: object
) -> None:
    items, counts, threshold = case
    shuffled = list(items)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert suppress(items, counts, threshold=threshold) == suppress(
        shuffled, counts, threshold=threshold
    )
