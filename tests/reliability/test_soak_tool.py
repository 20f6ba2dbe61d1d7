"""The soak tool's own arithmetic: the memory verdict must catch a leak and pass a plateau."""

from __future__ import annotations

from bench.soak import slope_per_min


def test_slope_of_a_steady_leak_is_found() -> None:
    leak = [(t, 500.0 + 0.05 * t) for t in range(0, 300, 5)]  # 3 MB a minute
    assert abs(slope_per_min(leak) - 3.0) < 1e-9


def test_plateau_with_noise_has_no_slope() -> None:
    flat = [(t, 600.0 + (1.5 if (t // 5) % 2 else -1.5)) for t in range(150, 300, 5)]
    assert abs(slope_per_min(flat)) < 0.5
    assert slope_per_min([(0.0, 1.0)]) == 0.0
