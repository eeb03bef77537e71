"""ember.logspace against torch.logspace: the same values (float64 exactly but for pow's last
bit), integer dtypes truncated and wrapped as torch's cast does, tensor ends, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

CASES = [
    (0, 3, 4, 10.0, "float64"), (-3, 0, 7, 10.0, "float64"), (-2.5, 3.1, 11, 2.0, "float64"), (1.1, -0.3, 6, 3.3, "float32"),
    (0, 3, 4, 10.0, "uint8"), (0, 3, 4, 10.0, "int8"), (-3, 0, 5, 10.0, "int64"), (0, 3, 4, 2.5, "int16"),
    (0, 20, 3, 10.0, "int64"), (0, 12, 3, 10.0, "int32"), (2.5, 3, 1, 10.0, "int64"), (0, 2, 1, 10.0, "float32"),
    (1, 5, 0, 10.0, "float64"), (0.5, 0.5, 3, 0.5, "float64"), (-10, 10, 101, 1.5, "float64"),
]


@pytest.mark.parametrize("start, end, steps, base, dtype", CASES)
def test_logspace_is_torchs(start: float, end: float, steps: int, base: float, dtype: str) -> None:
    got = ember.logspace(start, end, steps, base, dtype=getattr(ember, dtype))
    expected = torch.logspace(start, end, steps, base, dtype=getattr(torch, dtype))
    assert got.dtype == getattr(ember, dtype) and tuple(got.shape) == (steps,)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-15, atol=0)


def test_tensor_ends_and_the_default_dtype() -> None:
    got = ember.logspace(ember.tensor(1), ember.tensor(3.5, dtype=ember.float64), 4)
    expected = torch.logspace(torch.tensor(1), torch.tensor(3.5, dtype=torch.float64), 4)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-7)


@pytest.mark.parametrize("args, error, message", [
    ((3, 1, -1), RuntimeError, "number of steps must be non-negative"),
    ((3, 1, 1.0), TypeError, "must be int"),
    ((ember.ones(2), 1, 3), RuntimeError, "only supports 0-dimensional start and end tensors"),
])
def test_errors_as_torch(args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        ember.logspace(*args)
