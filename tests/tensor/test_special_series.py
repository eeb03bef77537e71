"""ember's special-function kernels against mpmath at 30 digits: 1e-14 to 1e-13 relative (5e-13
where the function itself cancels: digamma between its poles, zeta as s nears 1); trigamma is
torch's short series, accurate to 5e-10 only, and gives torch's digits exactly."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch

from ember import _special_series as series

mpmath.mp.dps = 30
RNG = np.random.default_rng(0)
POINTS = np.concatenate([RNG.uniform(-20, 20, 60), RNG.uniform(0, 3, 40), [0.5, 1.0, 2.0, 1e-8, 100.0, 1e5]])
UNIT = np.concatenate([RNG.uniform(-1, 1, 60), [1 - 1e-12, -1 + 1e-15, 0.5, 1e-10]])


def _relative_errors(got: np.ndarray, reference: list[float]) -> np.ndarray:
    ref = np.array(reference)
    return np.abs(got - ref) / np.maximum(np.abs(ref), 1e-300)


@pytest.mark.parametrize("n, accuracy", [(1, 5e-10), (2, 1e-13), (3, 1e-13), (5, 1e-13)])
def test_polygamma_matches_mpmath(n: int, accuracy: float) -> None:
    xs = POINTS[np.abs(POINTS - np.round(POINTS)) > 1e-3]  # away from the poles
    errors = _relative_errors(series.polygamma(n, xs), [float(mpmath.polygamma(n, x)) for x in xs])
    assert errors.max() < accuracy


def test_trigamma_gives_torchs_digits_exactly() -> None:
    xs = np.concatenate([POINTS, RNG.uniform(-50, 50, 2000), [0.0, -1.0, -2.5, 0.5, 0.5 - 1e-16, 1e-300, 1e10]])
    expected = torch.polygamma(1, torch.tensor(xs)).numpy()
    np.testing.assert_array_equal(series.trigamma(xs), expected)


def test_digamma_matches_mpmath_away_from_its_root() -> None:
    xs = POINTS[(np.abs(POINTS - np.round(POINTS)) > 1e-3) & (np.abs(POINTS - 1.4616321449683622) > 0.05)]
    assert _relative_errors(series.digamma(xs), [float(mpmath.digamma(x)) for x in xs]).max() < 5e-13


def test_erfinv_inverts_erf_to_the_last_bits() -> None:
    errors = _relative_errors(series.erfinv(UNIT), [float(mpmath.erfinv(x)) for x in UNIT])
    assert errors.max() < 1e-13


@pytest.mark.parametrize("nu, scaled", [(0, False), (0, True), (1, False), (1, True)])
def test_bessel_i_matches_mpmath(nu: int, scaled: bool) -> None:
    xs = np.concatenate([POINTS[np.abs(POINTS) < 700], [-45.0, 35.0]])
    reference = [float(mpmath.besseli(nu, x) * (mpmath.exp(-abs(x)) if scaled else 1)) for x in xs]
    assert _relative_errors(series.bessel_i(xs, nu, scaled), reference).max() < 1e-14


def test_zeta_and_erfc_match_mpmath() -> None:
    s, q = RNG.uniform(1.1, 10, 40), RNG.uniform(0.1, 20, 40)
    assert _relative_errors(series.zeta(s, q), [float(mpmath.zeta(a, b)) for a, b in zip(s, q)]).max() < 5e-13
    assert _relative_errors(series.erfc(POINTS), [float(mpmath.erfc(x)) for x in POINTS]).max() < 1e-13


def test_poles_and_edges_as_torch() -> None:
    assert series.digamma(np.array([0.0]))[0] == -np.inf
    assert np.isnan(series.digamma(np.array([-3.0]))[0])
    assert series.lgamma(np.array([-2.0]))[0] == np.inf
    assert list(series.erfinv(np.array([1.0, -1.0]))) == [np.inf, -np.inf]
    assert np.isnan(series.erfinv(np.array([1.5]))[0])
