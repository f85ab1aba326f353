"""H3 k-ring weights against a brute-force grid distance over every pair."""

from __future__ import annotations

import h3
import numpy as np
import pytest

from localsafety.analysis.weights import h3_cells_as_int, h3_kring_weights

CENTRE = h3.latlng_to_cell(38.7223, -9.1393, 9)  # Lisbon, Baixa


def _cells(seed: int, radius: int = 5, keep: float = 0.7) -> list[str]:
    rng = np.random.default_rng(seed)
    disk = sorted(h3.grid_disk(CENTRE, radius))
    return [cell for cell in disk if rng.random() < keep]


@pytest.mark.parametrize("k", [1, 2])
def test_neighbours_are_exactly_the_cells_within_k_grid_steps(k: int) -> None:
    cells = _cells(1)
    weights = h3_kring_weights(cells, k, include_self=False).toarray()
    expected = np.array(
        [[1.0 if a != b and h3.grid_distance(a, b) <= k else 0.0 for b in cells] for a in cells]
    )
    np.testing.assert_array_equal(weights, expected)


def test_self_weight_and_row_standardising() -> None:
    cells = _cells(2)
    binary = h3_kring_weights(cells, 1, include_self=True).toarray()
    assert np.all(np.diag(binary) == 1)
    row = h3_kring_weights(cells, 1, include_self=True, transform="row").toarray()
    np.testing.assert_allclose(row.sum(axis=1), 1.0)
    np.testing.assert_allclose(row, binary / binary.sum(axis=1, keepdims=True))


def test_an_interior_cell_of_a_full_disk_has_six_neighbours_then_eighteen() -> None:
    cells = sorted(h3.grid_disk(CENTRE, 3))
    centre = cells.index(CENTRE)
    assert h3_kring_weights(cells, 1, include_self=False)[centre].nnz == 6
    assert h3_kring_weights(cells, 2, include_self=False)[centre].nnz == 18


def test_strings_and_integers_give_the_same_matrix_and_order_follows_the_input() -> None:
    cells = _cells(3)[::-1]
    as_int = [h3.str_to_int(cell) for cell in cells]
    by_str = h3_kring_weights(cells, 1, include_self=False)
    by_int = h3_kring_weights(np.array(as_int, dtype=np.uint64), 1, include_self=False)
    assert (by_str != by_int).nnz == 0
    assert list(h3_cells_as_int(cells)) == as_int


def test_an_isolated_cell_has_an_empty_row_even_row_standardised() -> None:
    far = h3.latlng_to_cell(41.15, -8.61, 9)  # Porto
    cells = [*sorted(h3.grid_disk(CENTRE, 1)), far]
    row = h3_kring_weights(cells, 1, include_self=False, transform="row")
    assert row[len(cells) - 1].nnz == 0


def test_duplicate_cells_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        h3_kring_weights([CENTRE, CENTRE], 1, include_self=False)
