"""Random draws by torch's names: `bernoulli` (0/1 with the input's probabilities) and the
in-place fills `cauchy_ exponential_ geometric_ log_normal_ bernoulli_`. The values come from
ember's generator (NumPy's), so they cannot equal torch's; the distributions, dtypes and argument
checks are torch's:

- cauchy_(median, sigma):  median + sigma * tan(pi * (u - 1/2)), u uniform on (0, 1);
- exponential_(lambd):     -log(1 - u) / lambd, mean 1 / lambd;
- geometric_(p):           the number of trials up to the first success, P(k) = (1 - p)^(k - 1) p, k >= 1;
- log_normal_(mean, std):  exp(normal(mean, std));
- bernoulli(p):            1 with probability p, else 0.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _dtype, _random, _tensor
from .._out import Rule, _check_overlap
from .._creation import random_float_dtype
from ..autograd.function import Function
from ._util import new_zeros
from .inplace import _random_, _write


def _continuous(t: Any, name: str, type_name: str) -> None:
    """torch's refusal of a continuous distribution in an integer or bool tensor."""
    if not t.dtype.is_floating_point:
        raise RuntimeError(
            f"{name} distribution is a continuous probability distribution. dtype must be a floating point "
            f"but you specified {type_name}"
        )


def cauchy_(t: Any, median: float = 0.0, sigma: float = 1.0, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- Cauchy(median, sigma); float tensors only, sigma > 0."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    _continuous(t, "Cauchy", _dtype.c_name(t.dtype))
    return _random_(t, lambda g: median + sigma * g.standard_cauchy(t.shape), generator)


def exponential_(t: Any, lambd: float = 1.0, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- Exponential(rate lambd); float tensors only, lambd > 0."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    _continuous(t, "Exponential", _dtype.torch_name(t.dtype))
    return _random_(t, lambda g: g.exponential(1 / lambd, t.shape), generator)


def geometric_(t: Any, p: float, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- Geometric(p) on 1, 2, ...; any dtype but bool (integers wrap as torch's cast does),
    0 < p < 1."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    if t.dtype is _dtype.bool_:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    return _random_(t, lambda g: g.geometric(p, t.shape).astype(t._data.dtype), generator)


def log_normal_(t: Any, mean: float = 1.0, std: float = 2.0, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- exp(Normal(mean, std)); float tensors only, std > 0."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    random_float_dtype(t.dtype, "log_normal_cpu")
    return _random_(t, lambda g: g.lognormal(mean, std, t.shape), generator)


def _check_probabilities(p: np.ndarray) -> None:
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")


def _draw(gen: np.random.Generator, p: Any, shape: tuple, dtype: np.dtype) -> np.ndarray:
    return (gen.random(shape) < p).astype(dtype)


class Bernoulli(Function):
    """1 with probability p, else 0, in p's dtype;  dp = 0 (a draw has no gradient in p)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, p, gen):
        return _draw(gen, p, p.shape, p.dtype)

    @staticmethod
    def backward(ctx, grad):
        return new_zeros(grad, grad.shape), None


def bernoulli(
    input: Any, p: Optional[float] = None, *, generator: Optional[_random.Generator] = None, out: Any = None
) -> Any:
    """0/1 draws, each 1 with the probability input holds (a float tensor with values in [0, 1]);
    with a number p, every draw has probability p, in input's shape and dtype."""
    gen = (generator or _random.default_generator).numpy
    if p is not None:
        _check_bernoulli_p(p)
        result = input._make(_draw(gen, p, input._data.shape, input._data.dtype), False, None)
    else:
        random_float_dtype(input.dtype, "bernoulli_tensor_cpu_p_")
        _check_probabilities(input._data)
        result = Bernoulli.apply(input, gen)
    if out is None:
        return result
    _check_overlap(out, [input], Rule.SAME)  # out may be input itself, not a part of it
    _write(out, result._data)
    out._bump_version()
    return out


def _check_bernoulli_p(p: float) -> None:
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")


def bernoulli_(t: Any, p: Any = 0.5, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- 0/1 draws of probability p (a number, or a tensor that broadcasts to t); any dtype."""
    if isinstance(p, _tensor.Tensor):
        _check_probabilities(p._data)
        prob = np.broadcast_to(p._data, t.shape)
    else:
        _check_bernoulli_p(p)
        prob = p
    return _random_(t, lambda g: _draw(g, prob, t.shape, t._data.dtype), generator)
