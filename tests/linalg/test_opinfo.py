"""ember.linalg against torch's own OpInfo samples (`op_db`, float64): values and dtypes after
each sample's output_process_fn_grad (the gauge-invariant view of decompositions), the gradient
of a random weighting of those outputs, gradcheck and gradgradcheck."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db
from torch.testing._internal.opinfo import core as opinfo_core

import ember
from ember import autograd
from ._opinfo import as_array, flat_tensors, to_ember
from tolerances import REDUCTION, TOLERANCES

RTOL, ATOL = TOLERANCES[REDUCTION]["float64"][0], 1e-12
L = ember.linalg

EMBER: dict[str, Callable[..., Any]] = {
    **{f"linalg.{name}": getattr(L, name) for name in L.__all__ if name != "LinAlgError"},
    "det": ember.det, "inverse": ember.inverse, "cholesky": ember.cholesky, "logdet": ember.logdet,
    "pinverse": ember.pinverse, "svd": ember.svd, "qr": ember.qr, "matrix_exp": ember.matrix_exp, "norm": ember.norm,
    "cov": ember.cov, "corrcoef": ember.corrcoef, "triangular_solve": ember.triangular_solve,
    "cholesky_solve": ember.cholesky_solve, "cholesky_inverse": ember.cholesky_inverse, "lu": ember.lu,
    "lu_unpack": ember.lu_unpack, "lu_solve": ember.lu_solve, "renorm": ember.renorm,
}
# variants whose op is a lambda on torch's function
EMBER_VARIANTS = {
    "linalg.lstsq.grad_oriented": lambda a, b, driver: L.lstsq(a, b, driver=driver)[:2],
    "linalg.pinv.singular": lambda a, b: L.pinv(a @ b.mT),
}
OPS = {f"{op.name}.{op.variant_test_name}".rstrip("."): op for op in op_db if op.name in EMBER}
GRADCHECKED, GRADGRADCHECKED = 10, 3  # samples per op (the smallest first)


def _samples(op: Any) -> list[Any]:
    torch.manual_seed(0)
    return list(op.sample_inputs("cpu", torch.float64, requires_grad=op.supports_autograd))


def _substitute(x: Any, new: dict[int, Any]) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_substitute(v, new) for v in x)
    if isinstance(x, dict):
        return {k: _substitute(v, new) for k, v in x.items()}
    return new.get(id(x), x)


def _triangular_unit_diagonal(op: Callable, *args: Any, upper: bool = False, idx: int = 0, **kwargs: Any) -> Any:
    """ember's gradcheck_wrapper_triangular_input_real_positive_diagonal (torch's calls torch
    functions): args[idx] with ones on its diagonal, then its upper or lower triangle."""
    arg = args[idx]
    arg = arg - ember.diag_embed(arg.diagonal(0, -2, -1)) + ember.eye(arg.shape[-1], dtype=arg.dtype)
    arg = arg.triu() if upper else arg.tril()
    return op(*args[:idx], arg, *args[idx + 1 :], upper, **kwargs)


EMBER_WRAPPERS = {opinfo_core.gradcheck_wrapper_triangular_input_real_positive_diagonal: _triangular_unit_diagonal}


def _call(op: Any, fn: Callable, sample: Any, args: tuple, wrapped: bool) -> Any:
    """fn on the sample (its gradcheck wrapper first, as torch's gradient tests call it)."""
    input, rest, kwargs = args
    wrapper = EMBER_WRAPPERS.get(op.gradcheck_wrapper, op.gradcheck_wrapper) if fn is not op.op else op.gradcheck_wrapper
    out = wrapper(fn, input, *rest, **kwargs) if wrapped else fn(input, *rest, **kwargs)
    return sample.output_process_fn_grad(out)


def _ember_args(sample: Any) -> tuple:
    return to_ember((sample.input, tuple(sample.args), dict(sample.kwargs)), requires_grad=True)


@pytest.mark.parametrize("name", sorted(OPS))
def test_values_and_gradients_match_torch(name: str) -> None:
    op = OPS[name]
    fn = EMBER_VARIANTS.get(name, EMBER[op.name])
    for sample in _samples(op):
        args = _ember_args(sample)
        expected = flat_tensors(_call(op, op.op, sample, (sample.input, sample.args, sample.kwargs), False), torch.Tensor)
        got = flat_tensors(_call(op, fn, sample, args, False), ember.Tensor)
        assert len(got) == len(expected), sample
        for e, g in zip(expected, got):
            assert tuple(g.shape) == tuple(e.shape) and str(g.dtype).split(".")[-1] == str(e.dtype).split(".")[-1], sample
            np.testing.assert_allclose(as_array(g), as_array(e), RTOL, ATOL, err_msg=str(sample))
        if op.supports_autograd:
            _compare_gradients(op, fn, sample, args)


def _compare_gradients(op: Any, fn: Callable, sample: Any, args: tuple) -> None:
    t_args = (sample.input, sample.args, sample.kwargs)
    t_in = [t for t in flat_tensors(list(t_args[:2]) + [list(t_args[2].values())], torch.Tensor) if t.requires_grad]
    e_in = [t for t in flat_tensors(list(args[:2]) + [list(args[2].values())], ember.Tensor) if t.requires_grad]
    t_out = flat_tensors(_call(op, op.op, sample, t_args, True), torch.Tensor)
    e_out = flat_tensors(_call(op, fn, sample, args, True), ember.Tensor)
    if not t_in or not any(o.requires_grad for o in t_out):
        return
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(tuple(o.shape)) for o in t_out]
    # torch marks some outputs differentiable whose gradient is zero (slogdet's sign): each side
    # weights the outputs it differentiates
    t_loss = sum((o * torch.tensor(w)).sum() for o, w in zip(t_out, weights) if o.requires_grad)
    e_loss = sum((o * ember.tensor(w)).sum() for o, w in zip(e_out, weights) if o.requires_grad)
    expected = torch.autograd.grad(t_loss, t_in, allow_unused=True)
    got = autograd.grad(e_loss, e_in, allow_unused=True)
    for e, g in zip(expected, got):
        if e is None or g is None:  # no gradient on one side: none, or zeros, on the other
            other = g if e is None else e
            assert other is None or not np.any(as_array(other)), sample
        else:
            np.testing.assert_allclose(as_array(g), as_array(e), 1e-9, 1e-10, err_msg=f"gradient of {sample}")


def _differentiable(name: str, op: Any, sample: Any) -> tuple[Callable, list[Any]]:
    """The sample as a function of its tensors that require grad (for gradcheck)."""
    args = _ember_args(sample)
    leaves = [t for t in flat_tensors(list(args[:2]) + [list(args[2].values())], ember.Tensor) if t.requires_grad]
    ids = [id(t) for t in leaves]

    def f(*xs: Any) -> Any:
        call = _substitute(args, dict(zip(ids, xs)))
        fn = EMBER_VARIANTS.get(name, EMBER[op.name])
        return tuple(o for o in flat_tensors(_call(op, fn, sample, call, True), ember.Tensor) if o.requires_grad)

    return f, leaves


def _size(sample: Any) -> int:
    return sum(t.numel() for t in flat_tensors([sample.input], torch.Tensor))


def _smallest(op: Any, count: int) -> list[Any]:
    samples = [s for s in _samples(op) if _size(s) > 0]
    return sorted(samples, key=_size)[:count]


def _skipped_by_torch(op: Any, test: str) -> bool:
    """torch skips some gradient tests per variant (the norm's subgradients at zero)."""
    return any(getattr(d, "test_name", None) == test for d in op.decorators)


# (check, samples per op, torch's OpInfo flag, torch's test name that a variant may skip)
CHECKS = {
    "gradcheck": (autograd.gradcheck, GRADCHECKED, "supports_autograd", "test_fn_grad"),
    "gradgradcheck": (autograd.gradgradcheck, GRADGRADCHECKED, "supports_gradgrad", "test_fn_gradgrad"),
}


@pytest.mark.parametrize(
    "check, name",
    [
        (check, name)
        for check, (_, _, flag, test) in CHECKS.items()
        for name, op in sorted(OPS.items())
        if getattr(op, flag) and not _skipped_by_torch(op, test)
    ],
)
def test_gradients_check_numerically(check: str, name: str) -> None:
    op = OPS[name]
    fn, count = CHECKS[check][:2]
    for sample in _smallest(op, count):
        f, leaves = _differentiable(name, op, sample)
        if leaves:
            assert fn(f, leaves), sample
