"""Local hot-spot statistics: Getis-Ord Gi*, Local Moran's I (LISA) and FDR control.

Both statistics take a value per place (a count per H3 cell) and a sparse weights matrix
(``weights.h3_kring_weights``). Analytic inference follows the papers; permutation inference
is conditional randomisation (Anselin 1995): the value at ``i`` stays, the other ``n - 1``
values are shuffled over its neighbours. Like PySAL esda, one set of ``permutations`` draws of
neighbour positions is shared by every site (each site maps the positions onto the values
without its own), which makes the whole run a few array operations instead of a loop per site.

References
----------
Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation statistics: distributional
issues and an application. Geographical Analysis 27(4), 286-306.
Anselin, L. (1995). Local indicators of spatial association - LISA. Geographical Analysis
27(2), 93-115.
Sokal, R. R., Oden, N. L. and Thomson, B. A. (1998). Local spatial autocorrelation in a
biological model. Geographical Analysis 30(4), 331-354.
Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse, special

FloatArray = NDArray[np.float64]

# Conditional-permutation work is done in blocks of sites of about this many values
# (sites x permutations x neighbours), so memory stays flat whatever the number of cells.
_BLOCK_VALUES = 2_000_000

# Local Moran quadrants, PySAL's numbering (esda ``Moran_Local(geoda_quads=False)``).
HIGH_HIGH, LOW_HIGH, LOW_LOW, HIGH_LOW = 1, 2, 3, 4
QUADRANT_NAMES = {
    HIGH_HIGH: "high-high",
    LOW_HIGH: "low-high",
    LOW_LOW: "low-low",
    HIGH_LOW: "high-low",
}


@dataclass(frozen=True)
class GiStar:
    """Getis-Ord Gi* per site.

    ``p_value`` is the two-sided normal p-value of ``z``; ``p_sim`` the pseudo p-value from
    conditional permutations (None without permutations), one-tailed in the direction of the
    observed statistic as in esda and GeoDa: ``(min(#sim >= obs, #sim < obs) + 1) / (P + 1)``.
    A site with no neighbour among the sites has nothing to permute: ``p_sim = 1`` (esda
    reports ``1 / (P + 1)`` for such islands).
    """

    statistic: FloatArray
    expected: FloatArray
    variance: FloatArray
    z: FloatArray
    p_value: FloatArray
    p_sim: FloatArray | None
    permutations: int


@dataclass(frozen=True)
class LocalMoran:
    """Local Moran's I per site, with its quadrant (1 HH, 2 LH, 3 LL, 4 HL).

    ``expected``/``variance`` are the moments under total randomisation and
    ``expected_conditional``/``variance_conditional`` under conditional randomisation
    (Sokal et al. 1998, eqs. A3-A4 and A7-A8, as esda). ``z`` and ``p_value`` (two-sided) use
    the total-randomisation moments; ``p_sim`` as for :class:`GiStar`.
    """

    statistic: FloatArray
    quadrant: NDArray[np.int8]
    expected: FloatArray
    variance: FloatArray
    expected_conditional: FloatArray
    variance_conditional: FloatArray
    z: FloatArray
    p_value: FloatArray
    p_sim: FloatArray | None
    permutations: int


@dataclass(frozen=True)
class FalseDiscovery:
    """Benjamini-Hochberg: adjusted p-values (q-values) and which tests are rejected."""

    q_values: FloatArray
    rejected: NDArray[np.bool_]
    threshold: float  # the largest p-value rejected (0.0 when none is)


def _values(values: ArrayLike, weights: sparse.csr_matrix) -> tuple[FloatArray, sparse.csr_matrix]:
    y = np.asarray(values, dtype=np.float64).ravel()
    w = sparse.csr_matrix(weights, dtype=np.float64)
    if w.shape != (len(y), len(y)):
        raise ValueError(f"weights are {w.shape}, values have {len(y)} sites")
    if len(y) < 3:
        raise ValueError("at least three sites are needed")
    if not np.all(np.isfinite(y)):
        raise ValueError("values must be finite")
    w.sort_indices()
    return y, w


def _two_sided(z: FloatArray) -> FloatArray:
    return np.asarray(special.erfc(np.abs(z) / np.sqrt(2.0)), dtype=np.float64)


def getis_ord_gi_star(
    values: ArrayLike,
    weights: sparse.csr_matrix,
    *,
    permutations: int = 0,
    seed: int | None = None,
) -> GiStar:
    """Getis-Ord Gi* (Ord and Getis 1995) with analytic z-scores.

    Parameters
    ----------
    values
        Non-negative value per site (``n``), e.g. incidents per H3 cell.
    weights
        ``n x n`` sparse weights *including* each site's own weight on the diagonal
        (``h3_kring_weights(..., include_self=True)``), binary or row-standardised.
    permutations
        Number of conditional permutations for ``p_sim`` (0: none).
    seed
        Seed of the permutations (same seed, same p-values).

    Notes
    -----
    ``G*_i = sum_j w_ij y_j / sum_j y_j``. Under randomisation of all ``n`` values,
    ``E = W_i / n`` and ``Var = (n S1_i - W_i^2) / (n - 1) * s^2 / (n ybar)^2`` with
    ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2`` and ``s^2`` the population variance.
    For binary weights (``S1_i = W_i``) this is esda's ``G_Local(star=True, transform="B")``
    exactly. esda computes every variance with the binary form, so for row-standardised
    weights its variance is not the randomisation variance; here it is, and the z-score does
    not change when a row is rescaled (row-standardised z = binary z). A site whose variance
    is zero (all values equal, or a neighbourhood covering every site) gets ``z = 0``.
    """
    y, w = _values(values, weights)
    if np.any(y < 0):
        raise ValueError("Gi* needs non-negative values")
    diagonal = w.diagonal()
    if not np.all(diagonal > 0):
        raise ValueError("Gi* weights need every site's own weight on the diagonal")
    n = len(y)
    total = float(y.sum())
    row_sum = np.asarray(w.sum(axis=1), dtype=np.float64).ravel()
    row_squares = np.asarray(w.multiply(w).sum(axis=1), dtype=np.float64).ravel()
    lag = np.asarray(w @ y, dtype=np.float64)
    mean = total / n
    population_variance = float(np.mean(y * y) - mean * mean)
    expected = row_sum / n
    if total <= 0:
        statistic = np.zeros(n)
        variance = np.zeros(n)
    else:
        statistic = lag / total
        variance = (n * row_squares - row_sum**2) / (n - 1) * population_variance / (n * mean) ** 2
    variance = np.maximum(variance, 0.0)
    z = np.divide(
        statistic - expected,
        np.sqrt(variance),
        out=np.zeros(n),
        where=variance > 1e-300,
    )
    p_sim = None
    if permutations > 0 and total > 0:
        offdiag = _without_diagonal(w)
        # G*_sim = (w_ii y_i + lag_sim) / total: increasing in the simulated lag.
        p_sim = _conditional_pseudo_p(
            y, offdiag, np.ones(n), _permuted_ids(n, offdiag, permutations, seed)
        )
    elif permutations > 0:
        p_sim = np.ones(n)
    return GiStar(statistic, expected, variance, z, _two_sided(z), p_sim, permutations)


def local_moran(
    values: ArrayLike,
    weights: sparse.csr_matrix,
    *,
    permutations: int = 0,
    seed: int | None = None,
) -> LocalMoran:
    """Local Moran's I (Anselin 1995) with its quadrant and analytic moments.

    Parameters
    ----------
    values
        Value per site (``n``).
    weights
        ``n x n`` sparse weights, normally row-standardised without the diagonal
        (``h3_kring_weights(..., include_self=False, transform="row")``).
    permutations, seed
        As for :func:`getis_ord_gi_star`.

    Notes
    -----
    ``z = (y - ybar) / sd(y)`` (population sd), ``I_i = (n - 1) z_i (W z)_i / sum z^2``; the
    quadrant compares ``z_i > 0`` and ``(W z)_i > 0`` (a zero counts as low), as esda's
    ``Moran_Local``. A site whose permuted statistic cannot vary (``z_i = 0``) gets
    ``p_sim = 1``; esda reports ``1 / (P + 1)`` for it.
    """
    y, w = _values(values, weights)
    n = len(y)
    centred = y - y.mean()
    sd = float(centred.std())
    if sd == 0:
        raise ValueError("Local Moran's I needs values that vary")
    z = centred / sd
    sum_squares = float((z * z).sum())
    lag = np.asarray(w @ z, dtype=np.float64)
    statistic = (n - 1) * z * lag / sum_squares
    quadrant = np.where(
        z > 0, np.where(lag > 0, HIGH_HIGH, HIGH_LOW), np.where(lag > 0, LOW_HIGH, LOW_LOW)
    ).astype(np.int8)

    m2 = sum_squares / n
    m4 = float((z**4).sum()) / n
    b2 = m4 / m2**2
    wi = np.asarray(w.sum(axis=1), dtype=np.float64).ravel()
    wi2 = np.asarray(w.multiply(w).sum(axis=1), dtype=np.float64).ravel()
    expected_conditional = -(z**2 * wi) / ((n - 1) * m2)
    variance_conditional = (
        (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (m2 - z**2 / (n - 1))
    )
    expected = -wi / (n - 1)
    variance = (
        wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2)) - expected**2
    )
    z_score = np.divide(
        statistic - expected,
        np.sqrt(np.maximum(variance, 0.0)),
        out=np.zeros(n),
        where=variance > 1e-300,
    )
    p_sim = None
    if permutations > 0:
        offdiag = _without_diagonal(w)
        # I_sim = (n - 1) z_i (w_ii z_i + lag_sim) / sum z^2: its direction is the sign of z_i.
        p_sim = _conditional_pseudo_p(
            z, offdiag, np.sign(z), _permuted_ids(n, offdiag, permutations, seed)
        )
    return LocalMoran(
        statistic,
        quadrant,
        expected,
        variance,
        expected_conditional,
        variance_conditional,
        z_score,
        _two_sided(z_score),
        p_sim,
        permutations,
    )


def benjamini_hochberg(p_values: ArrayLike, alpha: float = 0.05) -> FalseDiscovery:
    """Benjamini-Hochberg step-up control of the false discovery rate.

    ``q_(i) = min_{j >= i} p_(j) m / j`` over the p-values sorted ascending (capped at 1);
    a test is rejected when its q-value is at most ``alpha``, which is the same as rejecting
    the ``k`` smallest p-values for the largest ``k`` with ``p_(k) <= k alpha / m``.
    """
    p = np.asarray(p_values, dtype=np.float64).ravel()
    if np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError("p-values must lie in [0, 1]")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    m = len(p)
    if m == 0:
        return FalseDiscovery(np.zeros(0), np.zeros(0, dtype=bool), 0.0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(monotone, 1.0)
    rejected = q <= alpha
    threshold = float(p[rejected].max()) if rejected.any() else 0.0
    return FalseDiscovery(q, rejected, threshold)


def hot_and_cold_spots(
    result: GiStar, alpha: float = 0.05, *, use_permutations: bool = False
) -> NDArray[np.int8]:
    """+1 (hot spot), -1 (cold spot) or 0 per site: significant after Benjamini-Hochberg at
    ``alpha`` on the analytic two-sided p-values (or on ``2 * p_sim``, capped at 1, the
    two-sided reading of the pseudo p-values), in the direction of ``z``."""
    if use_permutations:
        if result.p_sim is None:
            raise ValueError("no permutations were run")
        p = np.minimum(2 * result.p_sim, 1.0)
    else:
        p = result.p_value
    significant = benjamini_hochberg(p, alpha).rejected
    return (np.sign(result.z) * significant).astype(np.int8)


# --- conditional randomisation ------------------------------------------------------------


def _without_diagonal(weights: sparse.csr_matrix) -> sparse.csr_matrix:
    offdiag = sparse.csr_matrix(weights, copy=True)
    offdiag.setdiag(0)
    offdiag.eliminate_zeros()
    offdiag.sort_indices()
    return offdiag


def _permuted_ids(
    n: int, offdiag: sparse.csr_matrix, permutations: int, seed: int | None
) -> NDArray[np.int64]:
    """``permutations`` rows of distinct positions in ``0 .. n - 2`` (the other sites), as many
    as the largest neighbourhood; site ``i`` reads row ``r`` as its neighbours' values in
    permutation ``r`` (sampling without replacement = a random permutation's first entries)."""
    width = int(np.diff(offdiag.indptr).max(initial=0))
    rng = np.random.default_rng(seed)
    if width == 0:
        return np.zeros((permutations, 0), dtype=np.int64)
    return np.stack(
        [rng.choice(n - 1, size=width, replace=False) for _ in range(permutations)]
    ).astype(np.int64)


def _conditional_pseudo_p(
    values: FloatArray,
    offdiag: sparse.csr_matrix,
    direction: FloatArray,
    permuted_ids: NDArray[np.int64],
) -> FloatArray:
    """Pseudo p-values of a local statistic that moves with the neighbours' weighted sum.

    ``direction[i]`` is +1 when site ``i``'s statistic increases with the weighted sum of its
    neighbours' values, -1 when it decreases, 0 when it does not depend on it (p = 1). The
    observed and simulated sums are compared directly, so the statistic's scaling never
    enters; sums within a relative 1e-9 of each other count as ties (values that are equal
    in exact arithmetic must not split on rounding: counts tie often).
    """
    n = len(values)
    permutations, width = permuted_ids.shape
    cardinality = np.diff(offdiag.indptr)
    padded = np.zeros((n, max(width, 1)))
    row_of = np.repeat(np.arange(n), cardinality)
    slot = np.arange(offdiag.nnz) - np.repeat(offdiag.indptr[:-1], cardinality)
    padded[row_of, slot] = offdiag.data
    observed = np.asarray(offdiag @ values, dtype=np.float64)
    tolerance = 1e-9 * np.abs(padded).sum(axis=1) * max(float(np.abs(values).max()), 1e-300)

    # Without its own value, site i's k-th other value is values[k] for k < i, values[k + 1]
    # for k >= i: both candidates are looked up once for every draw.
    low = values[permuted_ids]
    high = values[np.minimum(permuted_ids + 1, n - 1)]
    larger = np.zeros(n, dtype=np.int64)
    smaller = np.zeros(n, dtype=np.int64)
    block = max(1, _BLOCK_VALUES // max(1, permutations * width))
    for start in range(0, n, block):
        stop = min(n, start + block)
        sites = np.arange(start, stop)
        k = int(cardinality[start:stop].max(initial=0))
        if k == 0:
            continue
        shifted = permuted_ids[None, :, :k] >= sites[:, None, None]
        drawn = np.where(shifted, high[None, :, :k], low[None, :, :k])
        simulated = np.matmul(drawn, padded[start:stop, :k, None])[:, :, 0]
        difference = simulated - observed[start:stop, None]
        tol = tolerance[start:stop, None]
        above = (difference > tol).sum(axis=1)
        below = (difference < -tol).sum(axis=1)
        ties = permutations - above - below
        up = direction[start:stop] > 0
        # statistic_sim >= statistic_obs: a larger sum when the statistic rises with it,
        # a smaller one when it falls.
        larger[start:stop] = np.where(up, above + ties, below + ties)
        smaller[start:stop] = np.where(up, below, above)
    extreme = np.minimum(larger, smaller)
    p: FloatArray = (extreme + 1.0) / (permutations + 1.0)
    p[direction == 0] = 1.0
    p[cardinality == 0] = 1.0
    return p
