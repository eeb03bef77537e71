"""The margin and likelihood losses against torch beyond the op_db/module_db samples: every
reduction with weights and p = 2, the hinge at z = 0, targets ended by -1, var shapes of
gaussian_nll_loss, torch's errors, gradcheck and gradgradcheck, and the module reprs."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 5))
CLASSES = np.array([0, 4, 2, 2])
LABELS = np.array([[3, 0, -1, 1, 1], [1, 2, 3, 4, 0], [-1, 0, 0, 0, 0], [4, -1, 2, 2, 2]])
SIGNS = np.sign(RNG.standard_normal((4, 5)))
WEIGHT = RNG.uniform(0.5, 2.0, 5)


def _both(value: Any, lib: Any) -> Any:
    if isinstance(value, np.ndarray):
        return lib.tensor(value) if value.dtype.kind == "i" else lib.tensor(value, requires_grad=True)
    return value


CASES: dict[str, tuple[str, tuple, dict]] = {
    "multi_margin": ("multi_margin_loss", (X, CLASSES), {}),
    "multi_margin_p2_weight": ("multi_margin_loss", (X, CLASSES), {"p": 2, "margin": 0.7, "weight": WEIGHT}),
    "multi_margin_kink": ("multi_margin_loss", (np.array([[0.0, 1.0, -1.0]]), np.array([1])), {}),
    "multilabel_margin": ("multilabel_margin_loss", (X, LABELS), {}),
    "multilabel_margin_1d": ("multilabel_margin_loss", (X[0], LABELS[0]), {}),
    "soft_margin": ("soft_margin_loss", (X, SIGNS.astype(np.int64)), {}),
    "multilabel_soft_margin": ("multilabel_soft_margin_loss", (X, (SIGNS > 0) * 1.0), {"weight": WEIGHT}),
    "hinge_embedding": ("hinge_embedding_loss", (np.abs(X), SIGNS), {"margin": 1.5}),
    "poisson_nll": ("poisson_nll_loss", (X, np.abs(X) * 3), {"full": True}),
    "poisson_nll_rate": ("poisson_nll_loss", (np.abs(X), np.abs(X) * 3), {"log_input": False}),
    "gaussian_nll": ("gaussian_nll_loss", (X, X[::-1].copy(), np.abs(X) + 0.1), {"full": True}),
    "gaussian_nll_homoscedastic": ("gaussian_nll_loss", (X, X[::-1].copy(), np.abs(X[:, 0]) + 0.1), {}),
    "gaussian_nll_clamped": ("gaussian_nll_loss", (X, X[::-1].copy(), np.abs(X[:, :1]) * 1e-4), {"eps": 1e-3}),
}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", CASES)
def test_against_torch(case: str, reduction: str) -> None:
    name, args, kwargs = CASES[case]
    kwargs = {**kwargs, "reduction": reduction}
    e_args, t_args = [_both(a, ember) for a in args], [_both(a, torch) for a in args]
    e_kw = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    e_out, t_out = getattr(F, name)(*e_args, **e_kw), getattr(TF, name)(*t_args, **t_kw)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-13)
    upstream = RNG.standard_normal(tuple(t_out.shape))
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    for e, t in zip(e_args, t_args):
        if t.requires_grad:
            assert (e.grad is None) == (t.grad is None)  # hinge_embedding's labels only select
        if t.grad is not None:
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-13)


# at the kink the slope jumps; a clamped var passes the slope at eps through, as torch's does,
# which is not the derivative of the clamped function (0)
@pytest.mark.parametrize("case", [c for c in CASES if c not in ("multi_margin_kink", "gaussian_nll_clamped")])
def test_gradcheck(case: str) -> None:
    name, args, kwargs = CASES[case]
    inputs = [ember.tensor(a, requires_grad=True) for a in args if a.dtype.kind == "f"]
    fixed = [ember.tensor(a) for a in args if a.dtype.kind == "i"]
    kw = {k: ember.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}

    def fn(*xs: ember.Tensor) -> ember.Tensor:
        return getattr(F, name)(*xs, *fixed, **kw, reduction="sum")

    if fixed:  # integer targets come second
        def fn(*xs: ember.Tensor) -> ember.Tensor:  # noqa: F811
            return getattr(F, name)(xs[0], fixed[0], **kw, reduction="sum")
    assert gradcheck(fn, tuple(inputs))
    assert gradgradcheck(fn, tuple(inputs))


def _t(lib: Any, values: Any, **kw: Any) -> Any:
    return lib.tensor(values, **kw)


ERRORS: list[Callable[[Any, Any], Any]] = [
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, [0, 1, 2, 9])),
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, [0, 1])),
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, CLASSES), p=3),
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, CLASSES), weight=_t(lib, [1.0, 2.0])),
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, CLASSES * 1.0)),
    lambda f, lib: f.multi_margin_loss(_t(lib, X), _t(lib, CLASSES), reduction="avg"),
    lambda f, lib: f.multilabel_margin_loss(_t(lib, X), _t(lib, LABELS[:2])),
    lambda f, lib: f.multilabel_margin_loss(_t(lib, X), _t(lib, LABELS - 2)),
    lambda f, lib: f.gaussian_nll_loss(_t(lib, X), _t(lib, X), _t(lib, -np.abs(X))),
    lambda f, lib: f.gaussian_nll_loss(_t(lib, X), _t(lib, X), _t(lib, np.ones((2, 2)))),
    lambda f, lib: f.gaussian_nll_loss(_t(lib, X), _t(lib, X), 1.0, reduction="avg"),
    lambda f, lib: f.triplet_margin_with_distance_loss(_t(lib, X), _t(lib, X), _t(lib, X[0]), margin=1.0),
    lambda f, lib: f.soft_margin_loss(_t(lib, X), _t(lib, SIGNS, requires_grad=True)),
    lambda f, lib: f.triplet_margin_with_distance_loss(_t(lib, X), _t(lib, X), _t(lib, X), margin=0.0),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Callable[[Any, Any], Any]) -> None:
    with pytest.raises(Exception) as theirs:
        call(TF, torch)
    with pytest.raises(theirs.type) as ours:
        call(F, ember)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_with_distance_module(swap: bool) -> None:
    def cosine(lib: Any) -> Callable:
        return lambda a, b: 1.0 - lib.nn.functional.cosine_similarity(a, b)

    e_mod = nn.TripletMarginWithDistanceLoss(distance_function=cosine(ember), margin=0.5, swap=swap, reduction="none")
    t_mod = torch.nn.TripletMarginWithDistanceLoss(distance_function=cosine(torch), margin=0.5, swap=swap, reduction="none")
    e_in = [ember.tensor(RNG.standard_normal((6, 3)), requires_grad=True) for _ in range(3)]
    t_in = [torch.tensor(e.detach().numpy(), requires_grad=True) for e in e_in]
    e_out, t_out = e_mod(*e_in), t_mod(*t_in)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10, atol=1e-13)
    e_out.sum().backward()
    t_out.sum().backward()
    for e, t in zip(e_in, t_in):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-13)
    assert repr(e_mod) == repr(t_mod)


@pytest.mark.parametrize("build", [
    lambda m: m.MultiMarginLoss(p=2, margin=0.5), lambda m: m.MultiLabelMarginLoss(), lambda m: m.SoftMarginLoss(),
    lambda m: m.MultiLabelSoftMarginLoss(), lambda m: m.HingeEmbeddingLoss(2.0), lambda m: m.PoissonNLLLoss(False, True),
    lambda m: m.GaussianNLLLoss(full=True), lambda m: m.CELU(0.5, True), lambda m: m.PReLU(3, 0.1),
    lambda m: m.Threshold(0.1, 20, True), lambda m: m.Softshrink(1), lambda m: m.GLU(0), lambda m: m.Softmin(1),
])
def test_reprs_and_state_dict_keys(build: Callable[[Any], Any]) -> None:
    e, t = build(nn), build(torch.nn)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_multi_margin_weight_is_a_buffer() -> None:
    e, t = nn.MultiMarginLoss(weight=ember.ones(3)), torch.nn.MultiMarginLoss(weight=torch.ones(3))
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight"]
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D instead"):
        nn.MultiMarginLoss(weight=ember.ones(3, 1))
