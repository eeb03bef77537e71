"""ember's differentiable operations, grouped by kind; each module pairs forward and backward.

Tensor methods and `ember.<name>` functions both land here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._creation import full, tensor, zeros_like
from .arithmetic import add, div, floor_divide, mul, neg, pow, remainder, rsub, sub
from .compare import (
    all, any, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp, eq, ge, gt, invert, isfinite,
    isinf, isnan, le, logical_and, logical_not, logical_or, logical_xor, lt, maximum, minimum, ne,
)
from .gather_scatter import gather, scatter, scatter_add
from .index import (
    chunk, getitem, index_select, masked_fill, narrow, select, sort, argsort, split, topk, unbind, where,
)
from .inplace import (
    add_, clamp_, copy_, div_, exp_, fill_, index_put, index_put_, masked_fill_, mul_, normal_, pow_, relu_, setitem,
    scatter_, scatter_add_, scatter_reduce_, sigmoid_, sub_, tanh_, uniform_,
)
from .scatter_reduce import scatter_reduce
from .cumulative import cumprod, cumsum
from . import delayed_error  # noqa: F401  (once_differentiable's node)
from .linalg import bmm, dot, einsum, matmul, mm, mv, outer
from .reduce import amax, amin, argmax, argmin, max, mean, min, norm, prod, sum
from .softmax import log_softmax, logsumexp, softmax
from .variance import std, var
from .padding import pad
from .join import cat, stack
from .shape import (
    broadcast_to, cast, clone, contiguous, expand, flatten, flip, movedim, permute, repeat, reshape, roll, squeeze,
    t, transpose, tril, triu, unflatten, unsqueeze, view,
)
from .unary import (
    abs, ceil, cos, erf, exp, expm1, floor, log, log1p, log2, log10, reciprocal, relu, round, rsqrt, sigmoid, sign,
    sin, softplus, sqrt, tan, tanh, trunc,
)
from .trigonometric import acos, acosh, asin, asinh, atan, atan2, atanh, cosh, deg2rad, hypot, rad2deg, sinh
from .pointwise import (
    addcdiv, addcmul, clamp_max, clamp_min, copysign, exp2, float_power, fmod, frac, frexp, heaviside, isclose,
    isneginf, isposinf, isreal, ldexp, lerp, logaddexp, logaddexp2, logit, nan_to_num, nextafter, positive, sgn,
    signbit, sinc, square, xlogy,
)
from .bitwise import bitwise_left_shift, bitwise_right_shift, gcd, lcm
from .special_functions import digamma, erfc, erfinv, i0, lgamma, mvlgamma, polygamma
from .order_statistics import cummax, cummin, median, mode, nanmedian, nanquantile, quantile
from .nan_reductions import (
    aminmax, bincount, count_nonzero, diff, histc, logcumsumexp, nanmean, nansum, std_mean, var_mean,
)



def nonzero(input: Any, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero elements, one row each (int64, shape [n, ndim]); with as_tuple,
    one index tensor per dim (a 0-d input counts as 1-d)."""
    if as_tuple:
        return tuple(input._make(a.astype(np.int64), False, None) for a in np.nonzero(np.atleast_1d(input._data)))
    return input._make(np.argwhere(input._data).astype(np.int64), False, None)


def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(input._data, np.asarray(other), rtol=rtol, atol=atol, equal_nan=equal_nan))
