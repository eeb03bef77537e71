"""gradcheck perturbs the input's own memory whatever its layout: a Fortran-ordered or strided
input must get a real numerical Jacobian (a flattened copy would leave it zero)."""

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_gradcheck_sees_the_perturbation(layout):
    base = np.random.default_rng(0).standard_normal((4, 6))
    data = {"C": np.ascontiguousarray(base), "F": np.asfortranarray(base), "strided": base[:, ::2]}[layout]
    x = ember.tensor(data, requires_grad=True)
    assert gradcheck(lambda t: (t * t).cumsum(0), (x,))


def test_a_wrong_gradient_still_fails_on_a_fortran_input():
    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 3

    x = ember.tensor(np.asfortranarray(np.ones((3, 2))), requires_grad=True)
    assert not gradcheck(Wrong.apply, (x,), raise_exception=False)
