"""Gi*, Local Moran's I and FDR against PySAL esda, scipy and brute force."""

from __future__ import annotations

import importlib.util
import itertools
import warnings

import esda
import h3
import libpysal
import numpy as np
import pytest
from esda.crand import vec_permutations
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse, stats

from localsafety.analysis.hotspots import (
    HIGH_HIGH,
    _conditional_pseudo_p,
    _without_diagonal,
    benjamini_hochberg,
    getis_ord_gi_star,
    hot_and_cold_spots,
    local_moran,
)
from localsafety.analysis.weights import h3_kring_weights

CENTRE = h3.latlng_to_cell(38.7223, -9.1393, 9)


def _grid(seed: int, radius: int = 8, keep: float = 0.8) -> tuple[list[str], np.ndarray]:
    """Cells of a disk around Lisbon with some left out, and clustered counts."""
    rng = np.random.default_rng(seed)
    disk = sorted(h3.grid_disk(CENTRE, radius))
    cells = [cell for cell in disk if rng.random() < keep]
    hot = h3.latlng_to_cell(38.728, -9.135, 9)
    distance = np.array([h3.grid_distance(cell, hot) for cell in cells])
    counts = rng.poisson(2 + 12 * np.exp(-distance / 2)).astype(float)
    return cells, counts


def _libpysal_w(matrix: sparse.csr_matrix) -> libpysal.weights.W:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.WSP(matrix).to_W(silence_warnings=True)


def _esda_gi_star(y: np.ndarray, cells: list[str], **options: object) -> esda.G_Local:
    w = _libpysal_w(h3_kring_weights(cells, 1, include_self=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, transform="B", star=True, **options)


# --- Getis-Ord Gi* -------------------------------------------------------------------------


def test_gi_star_equals_esda_g_local_star_on_h3_binary_weights() -> None:
    cells, y = _grid(1)
    ours = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True))
    theirs = _esda_gi_star(y, cells, permutations=0)
    np.testing.assert_allclose(ours.z, theirs.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.statistic, theirs.Gs, rtol=1e-12)
    np.testing.assert_allclose(ours.expected, theirs.EGs, rtol=1e-12)
    np.testing.assert_allclose(ours.variance, theirs.VGs, rtol=1e-10)
    np.testing.assert_allclose(ours.p_value, 2 * theirs.p_norm, rtol=1e-9, atol=1e-300)
    assert ours.z.max() > 3  # the planted cluster is found


def test_gi_star_matches_the_published_esda_example() -> None:
    """esda's G_Local docstring: six points, distance band 15, binary Gi*."""
    points = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], float)
    y = np.array([2, 3, 3.2, 5, 8, 7])
    distance = np.linalg.norm(points[:, None] - points[None], axis=2)
    weights = sparse.csr_matrix((distance <= 15).astype(float))
    ours = getis_ord_gi_star(y, weights)
    published = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    np.testing.assert_allclose(ours.z, published, atol=1e-8)


def _exact_randomisation_moments(
    y: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of G*_i over every permutation of y (brute force)."""
    sims = np.array([weights @ y[list(p)] for p in itertools.permutations(range(len(y)))])
    sims /= y.sum()
    return sims.mean(axis=0), sims.var(axis=0)


def test_gi_star_moments_are_the_exact_randomisation_moments_for_any_weights() -> None:
    """For row-standardised (and arbitrary) weights esda uses the binary-weights variance;
    ours is the randomisation variance, checked by enumerating all 7! permutations."""
    rng = np.random.default_rng(5)
    y = rng.poisson(4, 7).astype(float)
    binary = (rng.random((7, 7)) < 0.4).astype(float)
    binary = np.maximum(binary, binary.T)
    np.fill_diagonal(binary, 1)
    row = binary / binary.sum(axis=1, keepdims=True)
    general = binary * rng.uniform(0.2, 2, (7, 7))
    for weights in (binary, row, general):
        result = getis_ord_gi_star(y, sparse.csr_matrix(weights))
        mean, variance = _exact_randomisation_moments(y, weights)
        np.testing.assert_allclose(result.expected, mean, rtol=1e-12)
        np.testing.assert_allclose(result.variance, variance, rtol=1e-9)


def test_row_standardised_gi_star_z_equals_the_binary_z_and_esda_binary() -> None:
    cells, y = _grid(2)
    binary = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True))
    row = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True, transform="row"))
    np.testing.assert_allclose(row.z, binary.z, atol=1e-9)
    np.testing.assert_allclose(row.z, _esda_gi_star(y, cells, permutations=0).Zs, atol=1e-9)


def test_hot_and_cold_spots_are_the_fdr_survivors_in_the_direction_of_z() -> None:
    cells, y = _grid(15)
    y[:40] = 0  # a cold corner
    result = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True), permutations=99)
    labels = hot_and_cold_spots(result, 0.05)
    rejected = stats.false_discovery_control(result.p_value) <= 0.05
    np.testing.assert_array_equal(labels != 0, rejected)
    assert np.all(labels[labels != 0] == np.sign(result.z[labels != 0]))
    assert (labels == 1).any()
    by_permutation = hot_and_cold_spots(result, 0.05, use_permutations=True)
    assert set(np.unique(by_permutation)) <= {-1, 0, 1}


def test_gi_star_needs_the_self_weight_and_non_negative_values() -> None:
    cells, y = _grid(3)
    with pytest.raises(ValueError, match="diagonal"):
        getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=False))
    with pytest.raises(ValueError, match="non-negative"):
        getis_ord_gi_star(-y, h3_kring_weights(cells, 1, include_self=True))


def test_gi_star_of_constant_counts_is_zero_everywhere() -> None:
    cells, _ = _grid(4)
    weights = h3_kring_weights(cells, 1, include_self=True)
    for value in (0.0, 3.0):
        result = getis_ord_gi_star(np.full(len(cells), value), weights, permutations=9)
        assert np.all(result.z == 0)
        assert np.all(result.p_value == 1)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 50), min_size=8, max_size=30),
    factor=st.floats(0.01, 100),
    seed=st.integers(0, 1000),
)
def test_gi_star_z_does_not_change_with_the_unit_of_counts_or_row_scaling(
    counts: list[int], factor: float, seed: int
) -> None:
    y = np.array(counts, dtype=float)
    if y.sum() == 0 or y.std() == 0:
        return
    rng = np.random.default_rng(seed)
    n = len(y)
    weights = (rng.random((n, n)) < 0.3).astype(float)
    np.fill_diagonal(weights, 1)
    base = getis_ord_gi_star(y, sparse.csr_matrix(weights))
    scaled = getis_ord_gi_star(y * factor, sparse.csr_matrix(weights))
    rows = getis_ord_gi_star(y, sparse.csr_matrix(weights * rng.uniform(0.1, 10, (n, 1))))
    np.testing.assert_allclose(scaled.z, base.z, atol=1e-8)
    np.testing.assert_allclose(rows.z, base.z, atol=1e-8)


# --- conditional permutations --------------------------------------------------------------


def test_gi_star_pseudo_p_equals_esda_exactly_with_esdas_own_draws() -> None:
    """Same draws (esda's generator, same seed) -> the same p_sim, site by site."""
    cells, y = _grid(6, radius=6, keep=1.0)  # a full disk: no island
    weights = h3_kring_weights(cells, 1, include_self=True)
    permutations, seed = 199, 11
    theirs = _esda_gi_star(y, cells, permutations=permutations, seed=seed, n_jobs=1)
    offdiag = _without_diagonal(weights)
    width = int(np.diff(offdiag.indptr).max())
    draws = vec_permutations(width, len(y), permutations, seed)
    ours = _conditional_pseudo_p(y, offdiag, np.ones(len(y)), draws)
    np.testing.assert_allclose(ours, theirs.p_sim, rtol=1e-6)  # esda stores float32


def test_local_moran_pseudo_p_equals_esda_exactly_with_esdas_own_draws() -> None:
    cells, _ = _grid(7, radius=6, keep=1.0)
    y = np.random.default_rng(7).normal(size=len(cells))  # continuous: no ties
    row = h3_kring_weights(cells, 1, include_self=False, transform="row")
    permutations, seed = 199, 13
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.Moran_Local(
            y,
            _libpysal_w(h3_kring_weights(cells, 1, include_self=False)),
            transformation="r",
            permutations=permutations,
            seed=seed,
        )
    z = (y - y.mean()) / y.std()
    width = int(np.diff(row.indptr).max())
    draws = vec_permutations(width, len(y), permutations, seed)
    ours = _conditional_pseudo_p(z, row, np.sign(z), draws)
    np.testing.assert_allclose(ours, theirs.p_sim, rtol=1e-6)


def _assert_statistically_equivalent(ours: np.ndarray, theirs: np.ndarray, draws: int) -> None:
    """Two independent Monte-Carlo estimates of the same pseudo p-value per site.

    Each is (count + 1) / (P + 1) with count ~ Binomial(P, p) (the smaller tail), so the
    difference of the two has sd ~ sqrt(2 p (1 - p) / P); 1 / (P + 1) is added for the
    discreteness near 0. 5 sd two-sided has probability 6e-7 per site under equivalence, so
    over a few hundred sites a real difference, not chance, is what fails.
    Across sites the mean difference must also be small, but not shrinking as 1 / sqrt(n):
    both implementations share one set of draws among all sites (esda's design), so sites
    of equal cardinality are tested against nearly the same reference sample and their
    errors move together. The mean difference is held to 4 of the per-site sd's mean.
    """
    p = (ours + theirs) / 2
    sd = np.sqrt(2 * p * (1 - p) / draws) + 1 / (draws + 1)
    assert np.all(np.abs(ours - theirs) <= 5 * sd)
    assert abs(float(np.mean(ours - theirs))) <= 4 * float(np.mean(sd))


def test_gi_star_pseudo_p_is_statistically_equivalent_to_esda() -> None:
    cells, y = _grid(8)
    if importlib.util.find_spec("numba") is not None:
        # esda compiles its randomisation with numba's fastmath when numba is there: sums
        # that are equal in exact arithmetic (counts tie often) then split on rounding, and
        # its p-values on tied counts carry that (several sd on a few sites). Ties are
        # broken here for both, far below the counts' unit; tie handling itself is checked
        # against esda's own draws above and in test_counts_that_tie_do_not_split_on_rounding.
        y = y + np.random.default_rng(0).uniform(0, 1e-3, len(y))
    weights = h3_kring_weights(cells, 1, include_self=True)
    has_neighbours = np.diff(_without_diagonal(weights).indptr) > 0
    permutations = 999
    ours = getis_ord_gi_star(y, weights, permutations=permutations, seed=1)
    theirs = _esda_gi_star(y, cells, permutations=permutations, seed=2, n_jobs=1)
    assert ours.p_sim is not None
    _assert_statistically_equivalent(
        ours.p_sim[has_neighbours],
        np.asarray(theirs.p_sim, float)[has_neighbours],
        permutations,
    )
    # the pseudo p agrees with the analytic one on what is a hot spot
    strong = np.abs(ours.z) > 4
    assert strong.any() and np.all(ours.p_sim[strong] <= 0.002)


def test_permutations_are_reproducible_from_the_seed() -> None:
    cells, y = _grid(9, radius=5)
    weights = h3_kring_weights(cells, 1, include_self=True)
    first = getis_ord_gi_star(y, weights, permutations=99, seed=3).p_sim
    again = getis_ord_gi_star(y, weights, permutations=99, seed=3).p_sim
    other = getis_ord_gi_star(y, weights, permutations=99, seed=4).p_sim
    assert first is not None and other is not None
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.min() >= 1 / 100 and first.max() <= 1


def test_counts_that_tie_do_not_split_on_rounding() -> None:
    """Row-standardised weights turn tied integer sums into floats summed in different
    orders: ties must still count as ties (binary and row p-values are the same test)."""
    cells, y = _grid(10, radius=6)
    binary = h3_kring_weights(cells, 1, include_self=True)
    row = h3_kring_weights(cells, 1, include_self=True, transform="row")
    a = getis_ord_gi_star(y, binary, permutations=199, seed=5).p_sim
    b = getis_ord_gi_star(y, row, permutations=199, seed=5).p_sim
    assert a is not None and b is not None
    np.testing.assert_array_equal(a, b)


# --- Local Moran's I -----------------------------------------------------------------------


def test_local_moran_equals_esda_moran_local() -> None:
    cells, y = _grid(11)
    row = h3_kring_weights(cells, 1, include_self=False, transform="row")
    ours = local_moran(y, row)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.Moran_Local(
            y, _libpysal_w(h3_kring_weights(cells, 1, include_self=False)), permutations=0
        )
    np.testing.assert_allclose(ours.statistic, theirs.Is, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours.quadrant, theirs.q)
    np.testing.assert_allclose(ours.expected, theirs.EI, atol=1e-12)
    np.testing.assert_allclose(ours.variance, theirs.VI, rtol=1e-10)
    np.testing.assert_allclose(ours.expected_conditional, theirs.EIc, atol=1e-12)
    np.testing.assert_allclose(ours.variance_conditional, theirs.VIc, rtol=1e-10, atol=1e-14)
    z = (theirs.Is - theirs.EI) / np.sqrt(theirs.VI)
    np.testing.assert_allclose(ours.z, z, atol=1e-9)
    hot = h3.latlng_to_cell(38.728, -9.135, 9)
    assert ours.quadrant[cells.index(hot)] == HIGH_HIGH


def test_local_moran_pseudo_p_is_statistically_equivalent_to_esda() -> None:
    """On rates (continuous values). With tied values esda splits ties by rounding: it
    computes the observed I as (n - 1) z_i lag / sum z^2 and a simulated one as
    z_i lag ((n - 1) / sum z^2), which differ in the last bit, so a tie lands on either side
    (site 20 of this grid's counts: p 0.31 in esda, 0.47 counting ties as ties)."""
    cells, counts = _grid(12)
    residents = np.random.default_rng(12).integers(200, 2000, len(cells))
    y = 1000 * counts / residents
    row = h3_kring_weights(cells, 1, include_self=False, transform="row")
    has_neighbours = np.diff(row.indptr) > 0
    varies = (y != y.mean()) & has_neighbours  # esda: 1 / (P + 1) where I cannot vary
    ours = local_moran(y, row, permutations=999, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.Moran_Local(
            y,
            _libpysal_w(h3_kring_weights(cells, 1, include_self=False)),
            permutations=999,
            seed=2,
        )
    assert ours.p_sim is not None
    _assert_statistically_equivalent(
        ours.p_sim[varies], np.asarray(theirs.p_sim, float)[varies], 999
    )


def test_local_moran_refuses_constant_values() -> None:
    cells, _ = _grid(13, radius=3)
    with pytest.raises(ValueError, match="vary"):
        local_moran(np.ones(len(cells)), h3_kring_weights(cells, 1, include_self=False))


# --- false discovery rate ------------------------------------------------------------------


def _brute_force_bh(p: np.ndarray, alpha: float) -> np.ndarray:
    m = len(p)
    ordered = np.sort(p)
    passing = [k for k in range(1, m + 1) if ordered[k - 1] <= k * alpha / m]
    if not passing:
        return np.zeros(m, dtype=bool)
    return p <= ordered[max(passing) - 1]


@settings(max_examples=200, deadline=None)
@given(
    p=st.lists(st.floats(0, 1), min_size=1, max_size=40),
    alpha=st.sampled_from([0.01, 0.05, 0.1, 0.2]),
)
def test_benjamini_hochberg_equals_scipy_and_the_definition(p: list[float], alpha: float) -> None:
    values = np.array(p)
    result = benjamini_hochberg(values, alpha)
    np.testing.assert_allclose(
        result.q_values, stats.false_discovery_control(values, method="bh"), rtol=1e-12
    )
    np.testing.assert_array_equal(result.rejected, _brute_force_bh(values, alpha))


def test_benjamini_hochberg_rejects_what_esda_fdr_cuts_off() -> None:
    rng = np.random.default_rng(14)
    p = np.concatenate([rng.uniform(0, 1e-3, 30), rng.uniform(0, 1, 300)])
    result = benjamini_hochberg(p, 0.05)
    assert 0 < result.rejected.sum() < len(p)
    np.testing.assert_array_equal(result.rejected, p <= esda.fdr(p, 0.05))


def test_benjamini_hochberg_refuses_what_is_not_a_p_value() -> None:
    with pytest.raises(ValueError):
        benjamini_hochberg([0.1, 1.2])
    with pytest.raises(ValueError):
        benjamini_hochberg([0.1, float("nan")])


def test_a_cell_without_neighbours_has_nothing_to_permute() -> None:
    cells, y = _grid(16, radius=4, keep=1.0)
    far = h3.latlng_to_cell(41.15, -8.61, 9)  # Porto: no neighbour among Lisbon's cells
    cells, y = [*cells, far], np.append(y, 30.0)
    ours = getis_ord_gi_star(y, h3_kring_weights(cells, 1, include_self=True), permutations=99)
    theirs = _esda_gi_star(y, cells, permutations=99, seed=1, n_jobs=1)
    assert ours.p_sim is not None and ours.p_sim[-1] == 1.0
    assert theirs.p_sim[-1] == pytest.approx(1 / 100)  # esda's reading of an island
