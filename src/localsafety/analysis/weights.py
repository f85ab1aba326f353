"""Spatial weights between H3 cells: k-ring contiguity as a sparse matrix.

Two cells are neighbours when their grid distance is at most ``k`` (``h3.grid_disk``). Only the
cells handed in take part: a neighbour that is not in the list (an empty cell the caller left
out, or a cell outside the study area) gets no weight. Rows follow the order of the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import h3
import h3.api.basic_int as h3_int
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Transform = Literal["binary", "row"]
Cells: TypeAlias = Sequence[str] | Sequence[int] | NDArray[np.integer]


def h3_cells_as_int(
    cells: Sequence[str] | Sequence[int] | NDArray[np.integer],
) -> NDArray[np.uint64]:
    """H3 cells (strings like ``"89393367...ffff"`` or their 64-bit integers) as ``uint64``."""
    array = np.asarray(cells)
    if array.dtype.kind in "iu":
        return array.astype(np.uint64)
    return np.fromiter((h3.str_to_int(str(cell)) for cell in array), np.uint64, len(array))


def h3_kring_weights(
    cells: Cells,
    k: int = 1,
    *,
    include_self: bool,
    transform: Transform = "binary",
) -> sparse.csr_matrix:
    """Sparse k-ring weights among ``cells``.

    Parameters
    ----------
    cells
        Distinct H3 cells of one resolution, as strings or 64-bit integers.
    k
        Grid distance that still counts as neighbour (1 = the six touching hexagons).
    include_self
        Put each cell on its own diagonal (weight 1 before standardising): Getis-Ord Gi*
        needs it, Local Moran's I and Gi do not.
    transform
        ``"binary"`` (every neighbour weighs 1) or ``"row"`` (row-standardised: each row sums
        to 1; a cell with no neighbour keeps an empty row).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n x n`` float64 matrix, columns sorted within each row (canonical CSR).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    ids = h3_cells_as_int(cells)
    n = len(ids)
    order = np.argsort(ids)
    sorted_ids = ids[order]
    if n > 1 and bool(np.any(sorted_ids[1:] == sorted_ids[:-1])):
        raise ValueError("cells must be distinct")
    # grid_disk is the only per-cell call (a few microseconds each); everything after it is
    # array work: neighbours are found in the sorted cell list by binary search.
    disks = [h3_int.grid_disk(int(cell), k) for cell in ids]
    lengths = np.fromiter((len(disk) for disk in disks), np.int64, n)
    flat = np.fromiter((c for disk in disks for c in disk), np.uint64, int(lengths.sum()))
    rows = np.repeat(np.arange(n), lengths)
    position = np.searchsorted(sorted_ids, flat)
    position[position >= n] = 0
    present = sorted_ids[position] == flat if n else np.zeros(0, dtype=bool)
    rows = rows[present]
    cols = order[position[present]]
    if not include_self:
        keep = rows != cols
        rows, cols = rows[keep], cols[keep]
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.sort_indices()
    if transform == "row":
        return row_standardise(matrix)
    if transform != "binary":
        raise ValueError(f"unknown transform {transform!r}")
    return matrix


def row_standardise(weights: sparse.csr_matrix) -> sparse.csr_matrix:
    """Divide each row by its sum (rows that sum to zero stay empty)."""
    matrix = sparse.csr_matrix(weights, dtype=np.float64, copy=True)
    sums = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
    matrix.data *= np.repeat(scale, np.diff(matrix.indptr))
    return matrix
