"""Bicubic interpolation in float32 as torch computes it: Keys' weights with torch's fused
multiply-adds and its (1 - t) + 1, the W taps summed before the H taps; outputs that cancel
(a weighted sum of values up to 10 near 0) agree to the float32 contract of sums (torch also
fuses the 16 multiply-adds of each output, which NumPy does not)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from tolerances import REDUCTION, TOLERANCES


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize(("shape", "size", "scale"), [
    ((2, 3, 4, 5), (5, 6), None), ((2, 3, 4, 4), None, 1.7), ((1, 2, 7, 9), (13, 4), None),
    ((1, 1, 20, 17), (23, 29), None), ((2, 2, 6, 6), None, 0.6),
])
def test_float32_matches_torch(shape, size, scale, align_corners):
    x = (np.random.default_rng(sum(shape)).standard_normal(shape) * 4).astype(np.float32)
    kwargs = dict(size=size, scale_factor=scale, mode="bicubic", align_corners=align_corners)
    expected = torch.nn.functional.interpolate(torch.tensor(x), **kwargs).numpy()
    actual = F.interpolate(ember.tensor(x), **kwargs).numpy()
    rtol, atol = TOLERANCES[REDUCTION]["float32"]  # 16-term sums; torch fuses their multiply-adds
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def test_weights_are_torchs_bit_for_bit():
    """One row of taps read back through impulses: torch's float32 weights exactly."""
    n, out = 20, 23
    for align_corners in (False, True):
        for j in range(n):
            x = np.zeros((1, 1, 1, n), dtype=np.float32)
            x[..., j] = 1
            kwargs = dict(size=(1, out), mode="bicubic", align_corners=align_corners)
            expected = torch.nn.functional.interpolate(torch.tensor(x), **kwargs).numpy()
            np.testing.assert_array_equal(F.interpolate(ember.tensor(x), **kwargs).numpy(), expected)
