"""Kernel density surface of incidents on a regular grid (quartic kernel).

Each incident spreads its weight over the grid cells whose centres lie within the bandwidth
``h``, with the quartic (biweight) kernel ``K(d) = 3 / (pi h^2) (1 - d^2 / h^2)^2`` for
``d < h`` (0 beyond), which integrates to 1 over the plane: the surface is incidents per
square unit of the coordinates (per m^2 for metres; multiply by 1e6 for per km^2).

Reference: Silverman, B. W. (1986). Density Estimation for Statistics and Data Analysis,
Chapman and Hall, 76; Chainey, S. and Ratcliffe, J. (2005). GIS and Crime Mapping, Wiley,
ch. 6 (the quartic kernel of crime mapping software).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
_BLOCK_VALUES = 4_000_000


@dataclass(frozen=True)
class DensitySurface:
    """Density at the centre of each grid cell: ``density[row, col]`` at
    ``(x_centres[col], y_centres[row])``."""

    x_centres: FloatArray
    y_centres: FloatArray
    density: FloatArray
    bandwidth: float
    cell_size: float


def quartic_kernel(distance: ArrayLike, bandwidth: float) -> FloatArray:
    """The normalised quartic kernel at ``distance`` (0 at and beyond the bandwidth)."""
    d = np.asarray(distance, dtype=np.float64)
    u2 = (d / bandwidth) ** 2
    return np.where(u2 < 1, 3.0 / (np.pi * bandwidth**2) * (1 - u2) ** 2, 0.0)


def kernel_density(
    x: ArrayLike,
    y: ArrayLike,
    *,
    bandwidth: float,
    cell_size: float,
    bounds: tuple[float, float, float, float] | None = None,
    weights: ArrayLike | None = None,
) -> DensitySurface:
    """Quartic kernel density of points on a grid.

    Parameters
    ----------
    x, y
        Projected coordinates (metres).
    bandwidth
        Kernel radius ``h``.
    cell_size
        Side of a grid cell.
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the grid; by default the points' extent plus one
        bandwidth on every side, so no incident's kernel is cut off.
    weights
        Weight of each point (1 by default).
    """
    px = np.asarray(x, dtype=np.float64).ravel()
    py = np.asarray(y, dtype=np.float64).ravel()
    if py.shape != px.shape:
        raise ValueError("x and y must have the same length")
    if bandwidth <= 0 or cell_size <= 0:
        raise ValueError("bandwidth and cell size must be positive")
    w = np.ones_like(px) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != px.shape:
        raise ValueError("one weight per point")
    if bounds is None:
        if len(px) == 0:
            raise ValueError("no points and no bounds")
        bounds = (
            float(px.min()) - bandwidth,
            float(py.min()) - bandwidth,
            float(px.max()) + bandwidth,
            float(py.max()) + bandwidth,
        )
    xmin, ymin, xmax, ymax = bounds
    nx = max(1, int(np.ceil((xmax - xmin) / cell_size)))
    ny = max(1, int(np.ceil((ymax - ymin) / cell_size)))
    x_centres = np.asarray(xmin + (np.arange(nx) + 0.5) * cell_size, dtype=np.float64)
    y_centres = np.asarray(ymin + (np.arange(ny) + 0.5) * cell_size, dtype=np.float64)

    # Each point touches only the cells in a square window of +-reach cells around it.
    reach = int(np.ceil(bandwidth / cell_size)) + 1
    offsets = np.arange(-reach, reach + 1)
    dcol, drow = (a.ravel() for a in np.meshgrid(offsets, offsets))
    flat = np.zeros(nx * ny)
    block = max(1, _BLOCK_VALUES // len(dcol))
    for start in range(0, len(px), block):
        bx, by, bw = px[start : start + block], py[start : start + block], w[start : start + block]
        col = np.floor((bx - xmin) / cell_size).astype(np.int64)[:, None] + dcol[None, :]
        row = np.floor((by - ymin) / cell_size).astype(np.int64)[:, None] + drow[None, :]
        inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
        cx = xmin + (col + 0.5) * cell_size
        cy = ymin + (row + 0.5) * cell_size
        value = bw[:, None] * quartic_kernel(
            np.hypot(cx - bx[:, None], cy - by[:, None]), bandwidth
        )
        keep = inside & (value > 0)
        flat += np.bincount((row * nx + col)[keep], weights=value[keep], minlength=nx * ny)
    return DensitySurface(x_centres, y_centres, flat.reshape(ny, nx), bandwidth, cell_size)
