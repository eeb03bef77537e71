"""ember._special: erf and the normal CDF against the C library's erf/erfc, to 1e-12 relative.

(torch's ndtr is no reference for the far left tail: it flushes Phi(x) to 0 below about -26.)"""

import math

import numpy as np
import torch

from ember._special import erf, ndtr

POINTS = np.concatenate([np.linspace(-8, 8, 4001), [0.0, 1e-300, -1e-10, 1e-10, 1.999999, 2.0, 2.000001, 30.0]])


def test_erf_matches_math_erf_relatively_even_near_zero():
    expected = np.array([math.erf(v) for v in POINTS])
    assert np.allclose(erf(POINTS), expected, rtol=1e-12, atol=0)


def test_erf_keeps_sign_of_zero_and_special_values():
    out = erf(np.array([-0.0, np.inf, -np.inf, np.nan]))
    assert np.signbit(out[0]) and out[1] == 1.0 and out[2] == -1.0 and np.isnan(out[3])


def test_ndtr_matches_erfc_including_the_far_left_tail():
    x = np.concatenate([POINTS * 4.5, [-37.0]])
    expected = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    assert np.allclose(ndtr(x), expected, rtol=1e-12, atol=0)


def test_ndtr_special_values_as_torch():
    x = np.array([np.inf, -np.inf, np.nan, 0.0])
    expected = torch.special.ndtr(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(ndtr(x), expected)
