"""`out=` (ember._out) against torch: the values written, the dtype rules, resizing and its
warning, the refusals (autograd, overlap), and the tensor that comes back."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from ember._out import FUNCTIONS, can_cast
from tolerances import TOLERANCES, TRANSCENDENTAL

DTYPES = ["float64", "float32", "int64", "int32", "bool"]

# (name, arguments from a library and its input x (float32, 2x3, positive)): one call per rule
CALLS: dict[str, Callable[[Any, Any], tuple]] = {
    "add": lambda lib, x: (x, x),
    "mul": lambda lib, x: (x.long(), x.long()),
    "div": lambda lib, x: (x, 2),
    "exp": lambda lib, x: (x,),
    "eq": lambda lib, x: (x, x),
    "maximum": lambda lib, x: (x.long(), x.long()),
    "abs": lambda lib, x: (x,),
    "clamp": lambda lib, x: (x, 0.2, 0.8),
    "where": lambda lib, x: (x > 0.5, x, x),
    "masked_select": lambda lib, x: (x, x > 0.5),
    "take": lambda lib, x: (x, lib.tensor([0, 4])),
    "gather": lambda lib, x: (x, 1, lib.tensor([[0, 2], [1, 1]])),
    "index_select": lambda lib, x: (x, 1, lib.tensor([2, 0])),
    "amax": lambda lib, x: (x, 0),
    "mm": lambda lib, x: (x, x.T),
    "matmul": lambda lib, x: (x, x.T),
    "cat": lambda lib, x: ([x, x.double()],),
    "stack": lambda lib, x: ([x, x],),
    "sum": lambda lib, x: (x, 1),
    "mean": lambda lib, x: (x, 1),
    "prod": lambda lib, x: (x, 0),
    "cumsum": lambda lib, x: (x.long(), 1),
    "arange": lambda lib, x: (0, 5, 1.5),
    "linspace": lambda lib, x: (0, 1, 5),
    "zeros": lambda lib, x: (2, 3),
    "full": lambda lib, x: ((2,), 1.5),
}


def _inputs() -> tuple[torch.Tensor, ember.Tensor]:
    values = np.random.default_rng(0).uniform(0.1, 1.0, (2, 3)).astype(np.float32)
    return torch.from_numpy(values.copy()), ember.tensor(values)


def _outcome(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return fn()
        except Exception as error:
            return type(error)


@pytest.mark.parametrize("out_dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_out_matches_torch(name: str, out_dtype: str) -> None:
    """The same call with an empty out of each dtype: torch's exception type, or torch's values
    and dtype written into out, which comes back."""
    tx, ex = _inputs()
    t_out = torch.empty(0, dtype=getattr(torch, out_dtype))
    e_out = ember.empty(0, dtype=getattr(ember, out_dtype))
    expected = _outcome(lambda: getattr(torch, name)(*CALLS[name](torch, tx), out=t_out))
    actual = _outcome(lambda: getattr(ember, name)(*CALLS[name](ember, ex), out=e_out))
    if isinstance(expected, type):
        assert actual is expected, f"torch raises {expected.__name__}, ember gives {actual!r}"
        return
    assert actual is e_out
    assert str(e_out.dtype).removeprefix("ember.") == out_dtype and tuple(e_out.shape) == tuple(t_out.shape)
    rtol, atol = TOLERANCES[TRANSCENDENTAL]["float32"]
    np.testing.assert_allclose(e_out.numpy().astype(np.float64), t_out.numpy().astype(np.float64), rtol, atol)


def test_resize_warns_as_torch_only_for_a_non_empty_out() -> None:
    x = ember.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.exp(x, out=ember.empty(0))
        ember.exp(x, out=ember.empty(3))
    with pytest.warns(UserWarning, match=r"had shape \[2\], which does not match the required output shape \[3\]"):
        out = ember.exp(x, out=ember.empty(2))
    assert out.shape == (3,)


def test_out_is_written_in_place_views_see_it_and_its_version_moves() -> None:
    base = ember.zeros(2, 3)
    row = base[1]
    before = row._version
    assert ember.add(ember.ones(3), 1, out=row) is row
    assert base.tolist() == [[0, 0, 0], [2, 2, 2]]
    assert row._version > before


def test_several_results_come_back_in_the_given_tensors() -> None:
    x = ember.tensor([[3.0, 1.0, 2.0]])
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    result = ember.sort(x, out=(values, indices))
    assert result.values is values and result.indices is indices
    assert values.tolist() == [[1.0, 2.0, 3.0]] and indices.tolist() == [[1, 2, 0]]
    with pytest.raises(RuntimeError, match="dtype long int, but got int"):
        ember.max(x, 1, out=(ember.empty(0), ember.empty(0, dtype=ember.int32)))


def test_out_refuses_autograd_while_grad_mode_is_on() -> None:
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"add\(\): functions with out=\.\.\. arguments don't support"):
        ember.add(x, 1, out=ember.empty(3))
    with pytest.raises(RuntimeError, match=r"exp\(\): functions with out="):
        ember.exp(ember.ones(3), out=ember.empty(3, requires_grad=True))
    with ember.no_grad():
        out = ember.exp(x, out=ember.empty(3))
    assert out.grad_fn is None and out.tolist() == pytest.approx([np.e] * 3)


def test_overlap_is_refused_as_torch_refuses_it() -> None:
    """An expanded out repeats elements; gather-like ops may not write over an input; elementwise
    ops may write over the input they read whole."""
    y, mask = ember.rand(6), ember.tensor([True, False] * 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        ember.cat([ember.ones(5, 5), ember.ones(5, 5)], out=ember.ones(1, 5).expand(10, 5))
    empty = ember.zeros(0)
    for call in (lambda: ember.masked_select(y, mask, out=y), lambda: ember.take(y, ember.tensor([0]), out=y),
                 lambda: ember.cat([empty, y], out=empty), lambda: ember.cat([y, y], out=y[:2])):
        with pytest.raises(RuntimeError, match="unsupported operation: some elements of the input"):
            call()
    x = ember.tensor([0.0, 1.0])
    assert ember.exp(x, out=x).tolist() == pytest.approx([1.0, np.e])


def test_a_factory_is_made_in_out_dtype_and_refuses_another() -> None:
    assert ember.arange(0, 4, out=ember.empty(0, dtype=ember.int32)).dtype == ember.int32
    with pytest.raises(RuntimeError, match=r"dtype Double does not match dtype of out parameter \(Long\)"):
        ember.zeros(2, dtype=ember.float64, out=ember.empty(0, dtype=ember.int64))
    with pytest.raises(ValueError, match="step must be nonzero"):
        ember.arange(0, 64, 0.5, out=ember.empty(0, dtype=ember.int64))


@pytest.mark.parametrize("source", DTYPES + ["int8", "uint8", "int16", "float16"])
def test_can_cast_is_torchs(source: str) -> None:
    for target in DTYPES + ["int8", "uint8", "int16", "float16"]:
        assert can_cast(getattr(ember, source), getattr(ember, target)) == torch.can_cast(
            getattr(torch, source), getattr(torch, target)), (source, target)


def test_every_function_given_out_has_it_in_torch() -> None:
    """Each name in ember._out.FUNCTIONS has an aten overload with out arguments."""
    for names in FUNCTIONS.values():
        for name in names.split():
            schemas = torch._C._jit_get_schemas_for_operator(f"aten::{name}")
            assert any(a.is_out for s in schemas for a in s.arguments), name


def test_calls_without_out_reach_the_function_itself() -> None:
    """Tensor methods and operators keep the unwrapped functions; ember.add takes out itself."""
    assert ember.Tensor.__add__ is ember.ops.add and ember.add is ember.ops.add
    assert ember.cat.__wrapped__ is ember.ops.cat and ember.concat is ember.cat


def test_normal_takes_size_only_with_numbers_as_torch() -> None:
    with pytest.raises(TypeError):
        torch.normal(torch.ones(3), 0, -1)
    with pytest.raises(TypeError, match="size is taken only with a number mean and std"):
        ember.normal(ember.ones(3), 0, -1)
    out = ember.empty(0, dtype=ember.float64)
    assert ember.normal(1.6, 0.3, (2, 3), device="cpu", out=out) is out and out.shape == (2, 3)


def test_out_must_be_a_tensor() -> None:
    with pytest.raises(TypeError):
        torch.exp(torch.ones(2), out=np.empty(2))
    with pytest.raises(TypeError, match="argument 'out' must be Tensor, not ndarray"):
        ember.exp(ember.ones(2), out=np.empty(2))
