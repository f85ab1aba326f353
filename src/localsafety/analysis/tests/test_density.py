"""Quartic kernel density against a brute-force sum over every cell and point."""

from __future__ import annotations

import numpy as np
import pytest

from localsafety.analysis.density import kernel_density, quartic_kernel


def test_surface_equals_the_sum_over_every_point_at_every_cell_centre() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1000, 80)
    y = rng.uniform(0, 600, 80)
    w = rng.integers(1, 4, 80).astype(float)
    surface = kernel_density(x, y, bandwidth=150, cell_size=40, weights=w)
    expected = np.zeros_like(surface.density)
    for r, cy in enumerate(surface.y_centres):
        for c, cx in enumerate(surface.x_centres):
            for px, py, pw in zip(x, y, w, strict=True):
                d = np.hypot(cx - px, cy - py)
                if d < 150:
                    expected[r, c] += pw * 3 / (np.pi * 150**2) * (1 - (d / 150) ** 2) ** 2
    np.testing.assert_allclose(surface.density, expected, rtol=1e-12, atol=1e-18)


def test_the_kernel_integrates_to_one_so_the_surface_holds_every_incident() -> None:
    x = np.array([500.0, 520.0, 900.0])
    y = np.array([500.0, 480.0, 300.0])
    surface = kernel_density(x, y, bandwidth=200, cell_size=5)
    assert surface.density.sum() * 5 * 5 == pytest.approx(3, rel=2e-3)


def test_kernel_shape() -> None:
    assert quartic_kernel(0, 100) == pytest.approx(3 / (np.pi * 100**2))
    assert quartic_kernel(100, 100) == 0
    assert quartic_kernel(150, 100) == 0


def test_points_outside_given_bounds_only_add_what_reaches_inside() -> None:
    surface = kernel_density([-50.0], [50.0], bandwidth=100, cell_size=10, bounds=(0, 0, 100, 100))
    assert surface.density[:, -1].max() == 0  # 105 m and more away
    assert surface.density[5, 0] > 0
