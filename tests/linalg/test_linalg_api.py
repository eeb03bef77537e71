"""ember.linalg beyond the OpInfo samples: torch's errors and messages, the `_ex` infos, lstsq's
fields per driver, matrix_rank's tolerances, float32, and the old top-level aliases."""

from __future__ import annotations

import math
import re
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from tolerances import REDUCTION, TOLERANCES

L = ember.linalg
RNG = np.random.default_rng(0)


def _both(*arrays: np.ndarray, requires_grad: bool = False) -> tuple[list[Any], list[Any]]:
    t = [torch.tensor(a, requires_grad=requires_grad) for a in arrays]
    e = [ember.tensor(a, requires_grad=requires_grad) for a in arrays]
    return t, e


def _same(got: Any, expected: Any, dtype: str = "float64") -> None:
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    assert tuple(got.shape) == tuple(expected.shape)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol, atol)


def _raises_like(torch_fn: Callable, ember_fn: Callable, *arrays: np.ndarray) -> None:
    t, e = _both(*arrays)
    with pytest.raises(Exception) as expected:
        torch_fn(*t)
    with pytest.raises(Exception) as got:
        ember_fn(*e)
    assert str(got.value) == str(expected.value)
    assert isinstance(got.value, RuntimeError) and isinstance(expected.value, RuntimeError)
    assert isinstance(got.value, L.LinAlgError) == isinstance(expected.value, torch.linalg.LinAlgError)


SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
BATCH_SINGULAR = np.stack([np.eye(3), SINGULAR])
NOT_PD = np.stack([np.eye(3), np.diag([1.0, 2.0, -1.0])])


@pytest.mark.parametrize(
    "name, arrays",
    [
        ("inv", (SINGULAR,)), ("inv", (BATCH_SINGULAR,)), ("inv", (np.ones((2, 3)),)), ("inv", (np.ones(3),)),
        ("inv", (np.eye(3, dtype=np.int64),)), ("det", (np.ones((2, 3)),)), ("det", (np.ones(3),)),
        ("cholesky", (NOT_PD,)), ("cholesky", (-np.eye(2),)), ("eigh", (np.ones((2, 3)),)), ("svd", (np.ones(3),)),
        ("qr", (np.ones(3),)), ("solve", (SINGULAR, np.ones(3))), ("solve", (np.eye(3), np.ones(4))),
        ("solve", (np.ones((2, 3, 3)), np.ones((3, 3, 1)))), ("matrix_norm", (np.ones(3),)),
        ("vector_norm", (np.ones(3, dtype=np.int64),)), ("slogdet", (np.ones((3, 2)),)),
        ("tensorinv", (np.ones((2, 3)),)),
    ],
)
def test_errors_match_torch(name: str, arrays: tuple) -> None:
    _raises_like(getattr(torch.linalg, name), getattr(L, name), *arrays)


def test_linalg_error_is_a_runtime_error() -> None:
    assert issubclass(L.LinAlgError, RuntimeError)


@pytest.mark.parametrize("name, array", [("inv_ex", BATCH_SINGULAR), ("cholesky_ex", NOT_PD), ("inv_ex", np.eye(3))])
def test_ex_variants_report_lapack_info(name: str, array: np.ndarray) -> None:
    (t,), (e,) = _both(array)
    expected, got = getattr(torch.linalg, name)(t), getattr(L, name)(e)
    assert got[1].dtype == ember.int32 and got[1].tolist() == expected[1].tolist()
    ok = expected[1] == 0
    _same(got[0][ember.tensor(ok.numpy())], expected[0][ok])
    with pytest.raises(L.LinAlgError):
        if expected[1].any():
            getattr(L, name)(e, check_errors=True)
        else:
            raise L.LinAlgError("nothing to raise: a nonsingular input")


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shape, rhs", [((5, 3), (5, 2)), ((2, 5, 3), (2, 5, 2)), ((3, 5), (3, 2)), ((5, 3), (5,))])
def test_lstsq_fills_the_fields_torch_fills(driver: Any, shape: tuple, rhs: tuple) -> None:
    (ta, tb), (ea, eb) = _both(RNG.standard_normal(shape), RNG.standard_normal(rhs), requires_grad=True)
    expected, got = torch.linalg.lstsq(ta, tb, driver=driver), L.lstsq(ea, eb, driver=driver)
    if driver == "gels" and shape[-2] < shape[-1]:
        # underdetermined: torch's gels (QR) and ember's SVD pick different exact solutions of A x = b;
        # both must solve it, and ember's is the minimum-norm one, no longer than torch's
        x, tx = got.solution.detach().numpy(), expected.solution.detach().numpy()
        np.testing.assert_allclose(ea.detach().numpy() @ x, eb.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ta.detach().numpy() @ tx, tb.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert np.linalg.norm(x) <= np.linalg.norm(tx) * (1 + 1e-12)
        return
    for g, e in zip(got, expected):
        _same(g, e)
    (expected.solution ** 2).sum().backward()
    (got.solution ** 2).sum().backward()
    _same(ea.grad, ta.grad)
    _same(eb.grad, tb.grad)


@pytest.mark.parametrize(
    "kwargs", [{}, {"atol": 0.5}, {"rtol": 0.3}, {"atol": 0.1, "rtol": 0.3}, {"hermitian": True}, {"atol": 1.0, "hermitian": True}]
)
def test_matrix_rank_and_pinv_tolerances(kwargs: dict) -> None:
    a = RNG.standard_normal((3, 4, 4)) @ np.diag([3.0, 1.0, 0.4, 0.0])
    a = a @ a.swapaxes(-1, -2) if kwargs.get("hermitian") else a
    (t,), (e,) = _both(a)
    assert L.matrix_rank(e, **kwargs).tolist() == torch.linalg.matrix_rank(t, **kwargs).tolist()
    assert L.matrix_rank(e, **kwargs).dtype == ember.int64
    _same(L.pinv(e, **kwargs), torch.linalg.pinv(t, **kwargs))


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, a: m.linalg.det(a), lambda m, a: m.linalg.inv(a), lambda m, a: m.linalg.slogdet(a)[1],
        lambda m, a: m.linalg.svdvals(a), lambda m, a: m.linalg.eigvalsh(a), lambda m, a: m.linalg.matrix_exp(a),
        lambda m, a: m.linalg.matrix_norm(a, "nuc"), lambda m, a: m.linalg.pinv(a),
        lambda m, a: m.linalg.solve(a, a[..., 0]), lambda m, a: m.linalg.cholesky(a @ a.mT + m.eye(3)),
    ],
)
def test_float32_keeps_its_dtype(fn: Callable) -> None:
    (t,), (e,) = _both(RNG.standard_normal((2, 3, 3)).astype(np.float32))
    _same(fn(ember, e), fn(torch, t), "float32")


def test_solve_from_the_right_and_its_gradient() -> None:
    (ta, tb), (ea, eb) = _both(RNG.standard_normal((2, 3, 3)), RNG.standard_normal((4, 3)), requires_grad=True)
    expected, got = torch.linalg.solve(ta, tb, left=False), L.solve(ea, eb, left=False)
    _same(got, expected)
    expected.sum().backward()
    got.sum().backward()
    _same(ea.grad, ta.grad)
    _same(eb.grad, tb.grad)


def test_old_aliases() -> None:
    a = RNG.standard_normal((2, 4, 3))
    (t,), (e,) = _both(a)
    U, S, V = ember.svd(e)
    Ut, St, Vt = torch.svd(t)
    _same(U @ ember.diag_embed(S) @ V.mT if hasattr(ember, "diag_embed") else (U * S.unsqueeze(-2)) @ V.mT, t)
    assert tuple(V.shape) == tuple(Vt.shape) and tuple(U.shape) == tuple(Ut.shape)
    assert [tuple(x.shape) for x in ember.svd(e, some=False)] == [tuple(x.shape) for x in torch.svd(t, some=False)]
    no_uv = ember.svd(e, compute_uv=False)
    assert [tuple(x.shape) for x in no_uv] == [tuple(x.shape) for x in torch.svd(t, compute_uv=False)]
    assert [tuple(x.shape) for x in ember.qr(e, some=False)] == [tuple(x.shape) for x in torch.qr(t, some=False)]
    sq, tsq = e[..., :3, :], t[..., :3, :]
    for name in ("det", "logdet", "inverse", "matrix_exp", "pinverse"):
        _same(getattr(sq, name)(), getattr(tsq, name)())
        _same(getattr(ember, name)(sq), getattr(torch, name)(tsq))
    _same(sq.matrix_power(-2), tsq.matrix_power(-2))
    _same(ember.slogdet(sq).logabsdet, torch.slogdet(tsq).logabsdet)
    spd, tspd = sq @ sq.mT + ember.eye(3), tsq @ tsq.mT + torch.eye(3)
    _same(ember.cholesky(spd, upper=True), torch.cholesky(tspd, upper=True))


@pytest.mark.parametrize("p, dim", [("nuc", (1, 2)), ("nuc", (0, 2)), ("fro", None), ("fro", (1, 2)), (2, 1)])
def test_torch_norm_takes_matrix_orders(p: Any, dim: Any) -> None:
    (t,), (e,) = _both(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    expected, got = torch.norm(t, p, dim), ember.norm(e, p, dim)
    _same(got, expected)
    expected.sum().backward()
    got.sum().backward()
    _same(e.grad, t.grad)


def test_nuclear_norm_of_all_dims_wants_two() -> None:
    _raises_like(lambda t: torch.norm(t, "nuc"), lambda e: ember.norm(e, "nuc"), np.ones((2, 3, 4)))
    (t,), (e,) = _both(RNG.standard_normal((3, 4)))
    _same(ember.norm(e, "nuc"), torch.norm(t, "nuc"))


def test_logdet_of_a_negative_determinant_is_nan() -> None:
    (t,), (e,) = _both(np.diag([1.0, -2.0]))
    assert math.isnan(ember.logdet(e).item()) and math.isnan(torch.logdet(t).item())
    assert ember.logdet(ember.zeros(2, 2, dtype=ember.float64)).item() == -math.inf
    assert not hasattr(L, "logdet") and not hasattr(torch.linalg, "logdet")


def test_eigenvector_gradient_at_a_repeated_eigenvalue_is_not_finite_as_torch() -> None:
    """The eigenvectors of a repeated eigenvalue are any basis of its space: a loss that reads
    them has no gradient there (torch's is inf/nan too, from 1 / (L_j - L_i))."""
    (t,), (e,) = _both(np.eye(3), requires_grad=True)
    torch.linalg.eigh(t).eigenvectors.abs().sum().backward()
    L.eigh(e).eigenvectors.abs().sum().backward()
    assert not np.isfinite(t.grad.numpy()).all() and not np.isfinite(e.grad.numpy()).all()


def test_det_gradient_at_an_exactly_singular_matrix_is_torch_s_zero() -> None:
    """torch 2.13 gives 0 (not the cofactor matrix) where det is exactly 0; so does ember."""
    a = np.array([[[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [1.0, 1.0, 1.0]], [[1.0, 2.0, 0.0], [2.0, 4.5, 0.0], [1.0, 1.0, 1.0]]])
    (t,), (e,) = _both(a, requires_grad=True)
    torch.linalg.det(t).sum().backward()
    L.det(e).sum().backward()
    _same(e.grad, t.grad)
    assert not e.grad[0].any()


@pytest.mark.parametrize("mode", ["r", "complete"])
def test_qr_modes_without_a_gradient_say_so_as_torch(mode: str) -> None:
    (t,), (e,) = _both(RNG.standard_normal((4, 3)), requires_grad=True)
    with pytest.raises(RuntimeError) as expected:
        torch.linalg.qr(t, mode)[1].sum().backward()
    with pytest.raises(RuntimeError, match="^" + re.escape(str(expected.value)) + "$"):
        L.qr(e, mode)[1].sum().backward()
