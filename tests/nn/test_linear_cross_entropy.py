"""F.linear_cross_entropy and nn.LinearCrossEntropyLoss against torch 2.13: values and the
gradients of input, weight, bias and probability targets in float64 and float32, K-dimensional
weights, options (accepted, validated, same results), gradcheck/gradgradcheck, torch's errors
and the module's parameters, state_dict keys and repr."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from .conftest import assert_same_error
from tolerances import REDUCTION, TOLERANCES

RNG = np.random.default_rng(3)

# (input shape, weight shape, target: "index" or "probs", kwargs)
CASES: dict[str, tuple[tuple, tuple, str, dict]] = {
    "plain": ((6, 4), (5, 4), "index", {}),
    "sum_weight": ((6, 4), (5, 4), "index", {"reduction": "sum", "weight": "w"}),
    "none_bias": ((6, 4), (5, 4), "index", {"reduction": "none", "linear_bias": "b"}),
    "ignore_index": ((6, 4), (5, 4), "index", {"ignore_index": 1, "weight": "w"}),
    "smoothing": ((6, 4), (5, 4), "index", {"label_smoothing": 0.2, "linear_bias": "b"}),
    "unbatched": ((4,), (5, 4), "index", {}),
    "kdim": ((3, 4), (5, 2, 3, 4), "index", {"linear_bias": "b", "weight": "w"}),
    "probs": ((6, 4), (5, 4), "probs", {"weight": "w"}),
    "probs_kdim_none": ((3, 4), (5, 2, 4), "probs", {"reduction": "none", "label_smoothing": 0.1}),
}


def _arrays(case: str, dtype: str) -> tuple[list[np.ndarray], dict[str, Any]]:
    in_shape, w_shape, kind, kwargs = CASES[case]
    x = RNG.standard_normal(in_shape).astype(dtype)
    w = RNG.standard_normal(w_shape).astype(dtype)
    classes, out_features = w_shape[0], w_shape[1:-1]
    batch = in_shape[:-1]
    if kind == "index":
        t = RNG.integers(0, classes, (*batch, *out_features))
    else:
        t = RNG.uniform(0, 1, (*batch, classes, *out_features)).astype(dtype)
    resolved = dict(kwargs)
    if "weight" in kwargs:
        resolved["weight"] = RNG.uniform(0.5, 2, classes).astype(dtype)
    if "linear_bias" in kwargs:
        resolved["linear_bias"] = RNG.standard_normal(w_shape[:-1]).astype(dtype)
    return [x, w, t], resolved


def _run(lib: Any, fn: Callable, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> tuple[Any, list, dict]:
    args = [lib.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    kw = {k: lib.tensor(v, requires_grad=k == "linear_bias") if isinstance(v, np.ndarray) else v
          for k, v in kwargs.items()}
    return fn(*args, **kw), args, kw


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_against_torch(case: str, dtype: str) -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    arrays, kwargs = _arrays(case, dtype)
    e_out, e_args, e_kw = _run(ember, F.linear_cross_entropy, arrays, kwargs)
    t_out, t_args, t_kw = _run(torch, TF.linear_cross_entropy, arrays, kwargs)
    assert tuple(e_out.shape) == tuple(t_out.shape) and e_out.dtype.name == dtype
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    upstream = RNG.standard_normal(tuple(t_out.shape)).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    leaves = [(e, t) for e, t in zip(e_args, t_args) if t.requires_grad]
    if "linear_bias" in kwargs:
        leaves.append((e_kw["linear_bias"], t_kw["linear_bias"]))
    for e, t in leaves:
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", ["plain", "none_bias", "smoothing", "kdim", "probs"])
def test_gradcheck(case: str) -> None:
    arrays, kwargs = _arrays(case, "float64")
    target = ember.tensor(arrays[2])
    bias = kwargs.pop("linear_bias", None)
    kw = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    leaves = [ember.tensor(a, requires_grad=True) for a in arrays[:2]]
    if bias is not None:
        leaves.append(ember.tensor(bias, requires_grad=True))

    def fn(x: ember.Tensor, w: ember.Tensor, *b: ember.Tensor) -> ember.Tensor:
        return F.linear_cross_entropy(x, w, target, linear_bias=b[0] if b else None, **kw)

    assert gradcheck(fn, tuple(leaves))
    assert gradgradcheck(fn, tuple(leaves))


@pytest.mark.parametrize("options", [
    {"batch_chunk_size": 2}, {"batch_chunk_size": 4, "allow_retain_graph": True}, {"chunking_method": "aspect_ratio:2"},
])
def test_options_give_the_reference_result(options: dict[str, Any]) -> None:
    arrays, kwargs = _arrays("sum_weight", "float64")
    chunked, _, _ = _run(ember, F.linear_cross_entropy, arrays, {**kwargs, "options": nn.LinearCrossEntropyOptions(**options)})
    theirs, _, _ = _run(torch, TF.linear_cross_entropy, arrays, {**kwargs, "options": torch.nn.LinearCrossEntropyOptions(**options)})
    np.testing.assert_allclose(chunked.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)


def test_options_warn_where_torch_falls_back() -> None:
    arrays, kwargs = _arrays("smoothing", "float64")
    options = {"options": nn.LinearCrossEntropyOptions(batch_chunk_size=2)}
    with pytest.warns(UserWarning, match="``options`` ignored; chunked path needs"):
        _run(ember, F.linear_cross_entropy, arrays, {**kwargs, **options})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run(ember, F.linear_cross_entropy, _arrays("plain", "float64")[0], options)


def _t(lib: Any, *shape: int) -> Any:
    return lib.ones(shape)


ERRORS: list[Callable[[Any], Any]] = [
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 2, 3, 3), _t(lib, 2, 3), _t(lib, 3, 2)),
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 2, 3), _t(lib, 2), _t(lib, 2, 2)),
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 2, 3), _t(lib, 2, 4), _t(lib, 2, 2)),
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 2, 3), _t(lib, 2, 3), _t(lib, 2, 2), ignore_index=0),
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 3), _t(lib, 2, 4, 3), _t(lib, 2, 4)),
    lambda lib: lib.nn.functional.linear_cross_entropy(_t(lib, 2, 3), _t(lib, 2, 3), _t(lib, 2), linear_bias=_t(lib, 3)),
    lambda lib: lib.nn.LinearCrossEntropyLoss(3, 2, weight=_t(lib, 3)),
    lambda lib: lib.nn.LinearCrossEntropyLoss(3, 2, label_smoothing=2.0),
    lambda lib: lib.nn.LinearCrossEntropyOptions(acc_policy="fast"),
    lambda lib: lib.nn.LinearCrossEntropyOptions(chunking_method="aspect_ratio:0"),
    lambda lib: lib.nn.LinearCrossEntropyOptions(batch_chunk_size=0),
    lambda lib: lib.nn.functional.linear_cross_entropy(
        _t(lib, 8, 3), _t(lib, 4, 3), lib.zeros(8, dtype=lib.int64),
        options=lib.nn.LinearCrossEntropyOptions(batch_chunk_size=3, chunking_method="aspect_ratio")),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Callable[[Any], Any]) -> None:
    assert_same_error(call)


@pytest.mark.parametrize("bias", [False, True])
def test_module_matches_torch(bias: bool) -> None:
    kwargs = {"out_features": (2, 3), "bias": bias, "label_smoothing": 0.1, "ignore_index": 1, "reduction": "sum"}
    e_mod, t_mod = nn.LinearCrossEntropyLoss(4, 5, **kwargs), torch.nn.LinearCrossEntropyLoss(4, 5, **kwargs)
    t_mod.double()
    e_mod.load_state_dict(t_mod.state_dict())
    e_mod.to(ember.float64)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())
    assert repr(e_mod) == repr(t_mod)
    x, target = RNG.standard_normal((3, 4)), RNG.integers(0, 5, (3, 2, 3))
    e_out = e_mod(ember.tensor(x), ember.tensor(target))
    t_out = t_mod(torch.tensor(x), torch.tensor(target))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10)
    e_out.backward()
    t_out.backward()
    for name, p in t_mod.named_parameters():
        np.testing.assert_allclose(e_mod.get_parameter(name).grad.numpy(), p.grad.numpy(), rtol=1e-10, atol=1e-13)
