"""The parts of torch's Function protocol beyond forward/backward, each run in ember and torch
with the same code: torch 2's `setup_context`, `ctx.mark_dirty`, `ctx.mark_non_differentiable`,
`ctx.set_materialize_grads`, `ctx.needs_input_grad`, and `once_differentiable`."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
import torch

import ember

LIBS = [ember, torch]


def _once(lib: Any) -> Any:
    return importlib.import_module(lib.__name__ + ".autograd.function").once_differentiable


def _functions(lib: Any) -> dict[str, Any]:
    """The same user Functions, defined on `lib`."""
    class ScaledCube(lib.autograd.Function):
        @staticmethod
        def forward(x: Any, scale: float = 2.0) -> Any:
            return x**3 * scale

        @staticmethod
        def setup_context(ctx: Any, inputs: tuple, output: Any) -> None:
            x, scale = inputs
            ctx.save_for_backward(x)
            ctx.scale = scale
            ctx.seen = (len(inputs), output.shape)

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2 * ctx.scale, None

    class AddOneInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad * 1

    class SortWithIndex(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            values, index = x.sort()
            ctx.mark_non_differentiable(index)
            ctx.save_for_backward(index)
            ctx.needs = tuple(ctx.needs_input_grad)
            return values, index

        @staticmethod
        def backward(ctx: Any, grad_values: Any, grad_index: Any) -> Any:
            (index,) = ctx.saved_tensors
            out = lib.zeros_like(grad_values)
            out[index] = grad_values
            return out

    class Split(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, materialize: bool) -> Any:
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx: Any, g1: Any, g2: Any) -> Any:
            ctx.got = (g1 is None, g2 is None)
            g1 = 0 if g1 is None else g1 * 2
            g2 = 0 if g2 is None else g2 * 3
            return g1 + g2, None

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        @_once(lib)
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    return {"ScaledCube": ScaledCube, "AddOneInPlace": AddOneInPlace, "SortWithIndex": SortWithIndex,
            "Split": Split, "Cube": Cube}


def _x(lib: Any, requires_grad: bool = True) -> Any:
    return lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64, requires_grad=requires_grad)


def _both(run: Any) -> None:
    e, t = run(ember), run(torch)
    assert repr(e) == repr(t).replace("torch", "ember")


def _arrays(*tensors: Any) -> list:
    return [None if t is None else np.round(t.detach().numpy(), 12).tolist() for t in tensors]


@pytest.mark.parametrize("kwargs", [{}, {"scale": 0.5}])
def test_setup_context_binds_arguments_as_torch(kwargs: dict) -> None:
    def run(lib: Any) -> tuple:
        x = _x(lib)
        y = _functions(lib)["ScaledCube"].apply(x, **kwargs)
        y.sum().backward()
        return _arrays(y, x.grad), y.grad_fn.name(), y.grad_fn.seen[0], tuple(y.grad_fn.seen[1])

    _both(run)


def test_setup_context_without_grad() -> None:
    def run(lib: Any) -> tuple:
        y = _functions(lib)["ScaledCube"].apply(_x(lib, requires_grad=False), 3.0)
        return _arrays(y), y.requires_grad, y.grad_fn

    _both(run)


def test_mark_dirty_rebases_the_input_as_torch() -> None:
    def run(lib: Any) -> tuple:
        x = _x(lib)
        y = x.clone()
        before = y._version
        z = _functions(lib)["AddOneInPlace"].apply(y)
        (z * z).sum().backward()
        return z is y, y.grad_fn.name(), y._version - before, y.requires_grad, _arrays(y, x.grad)

    _both(run)


def test_mark_dirty_on_a_leaf_that_requires_grad_raises_as_torch() -> None:
    for lib in LIBS:
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
            _functions(lib)["AddOneInPlace"].apply(_x(lib))


def test_mark_non_differentiable_and_needs_input_grad() -> None:
    def run(lib: Any) -> tuple:
        x = _x(lib)
        values, index = _functions(lib)["SortWithIndex"].apply(x)
        (values * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum().backward()
        return values.requires_grad, index.requires_grad, index.grad_fn, values.grad_fn.needs, _arrays(x.grad)

    _both(run)


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads(materialize: bool) -> None:
    def run(lib: Any) -> tuple:
        x = _x(lib)
        a, _ = _functions(lib)["Split"].apply(x, materialize)
        a.sum().backward()
        return a.grad_fn.got, _arrays(x.grad)

    _both(run)


def test_once_differentiable_second_backward_raises_as_torch() -> None:
    def run(lib: Any) -> tuple:
        x = _x(lib)
        y = _functions(lib)["Cube"].apply(x)
        v = lib.ones(3, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(y, x, v, create_graph=True)
        try:
            g.sum().backward()
            error = None
        except RuntimeError as e:
            error = str(e)
        return _arrays(g), g.requires_grad, g.grad_fn.name().split("::")[-1], error

    _both(run)
    e = _run_plain_backward(ember)
    assert e == _run_plain_backward(torch)


def _run_plain_backward(lib: Any) -> list:
    x = _x(lib)
    _functions(lib)["Cube"].apply(x).sum().backward()
    return _arrays(x.grad)
