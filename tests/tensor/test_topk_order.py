"""topk against torch where the answer depends on torch's algorithm: equal values, NaNs and
sorted=False (ember.ops._topk_order replays the C++ standard library's selection and sorts)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember


@settings(max_examples=150, deadline=None)
@given(n=st.sampled_from([1, 2, 3, 4, 5, 10, 17, 33, 64, 130, 300]), rows=st.integers(1, 3),
       distinct=st.sampled_from([2, 3, 50, 10**6]), dtype=st.sampled_from(["float64", "float32", "int64"]),
       nans=st.booleans(), largest=st.booleans(), sorted=st.booleans(), seed=st.integers(0, 2**16), data=st.data())
def test_topk_indices_are_torchs(n: int, rows: int, distinct: int, dtype: str, nans: bool, largest: bool,
                                 sorted: bool, seed: int, data: Any) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, distinct, (rows, n)).astype(dtype)
    if nans and a.dtype.kind == "f":
        a[rng.random(a.shape) < 0.2] = np.nan
    k = data.draw(st.integers(0, n))
    expected = torch.topk(torch.from_numpy(a), k, 1, largest, sorted)
    actual = ember.topk(ember.tensor(a), k, 1, largest, sorted)
    assert actual.indices.tolist() == expected.indices.tolist()
    np.testing.assert_array_equal(actual.values.numpy(), expected.values.numpy())


def test_topk_gradient_reaches_the_element_torch_picked() -> None:
    a = np.array([[1.0, 3.0, 3.0, 2.0, 3.0]])
    x, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ember.topk(x, 2).values.sum().backward()
    torch.topk(tx, 2).values.sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()
    assert ember.autograd.gradcheck(lambda t: ember.topk(t, 3, 0).values,
                                    (ember.tensor(np.random.default_rng(0).normal(size=(6, 2)), requires_grad=True),))
