r"""The vector p-norm for a p other than 0, 1, 2 and ±inf, :math:`(\sum_i |x_i|^p)^{1/p}`,
computed as torch's CPU kernel computes it, so that float64 results agree to the last bit.

torch (`linalg_vector_norm` → `norm_stub` → `NormOps`) adds the powers one by one, in the order
the elements lie in memory, in the accumulate type (float32 for float16/float32 inputs, float64
for float64), with p itself rounded to that type; each power is libm's scalar `pow`, and so is
the final :math:`\text{acc}^{1/p}` (1/p computed in the accumulate type). NumPy differs in each
of these: `np.power` on arrays is a vectorised approximation that is 1 ulp off in about 5% of
values here, and `np.sum` adds pairwise. So the powers come from `np.float_power` (libm's pow
per element) and the sum from `np.cumsum` (one running sum, left to right). When every reduced
dimension has size 1, torch returns :math:`|x|` without any power, and so does this.

What it costs: a cumulative sum instead of a pairwise one (a second array of the input's size).
torch itself, when one output sums 32768 or more elements and it runs several threads, splits that
sum into per-thread chunks; ember keeps one running sum, so there the last bits may differ.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np


def p_norm(x: np.ndarray, p: float, axes: Optional[tuple[int, ...]], keepdim: bool) -> np.ndarray:
    r""":math:`(\sum |x_i|^p)^{1/p}` over `axes` (None: all), torch's way (module docstring).

    >>> p_norm(np.array([3.0, 4.0]), 3.0, None, False)   # (27 + 64)^(1/3)
    array(4.49794145)
    """
    reduced = tuple(range(x.ndim)) if axes is None else tuple(sorted(axes))
    if all(x.shape[axis] == 1 for axis in reduced):
        return np.abs(x) if keepdim else np.abs(x).reshape([n for i, n in enumerate(x.shape) if i not in reduced])
    acc_type = np.result_type(x.dtype, np.float32)
    order = acc_type.type(p)
    kept = [i for i in range(x.ndim) if i not in reduced]
    length = math.prod(x.shape[i] for i in reduced)
    terms = np.transpose(np.abs(x), kept + list(reduced)).reshape([x.shape[i] for i in kept] + [length])
    with np.errstate(divide="ignore", over="ignore"):
        powers = np.float_power(terms, order).astype(acc_type)
        total = np.cumsum(powers, axis=-1)[..., -1] if length else powers.sum(-1)
        out = np.float_power(total, acc_type.type(1) / order).astype(x.dtype)
    if keepdim:
        out = out.reshape([1 if i in reduced else n for i, n in enumerate(x.shape)])
    return np.asarray(out)


def check_identity(shape: tuple[int, ...], ord: float, dim: Any) -> None:
    """torch's RuntimeError for a norm without an identity (ord < 0 or ±inf: a min or max) over
    an empty tensor (dim None or empty) or an empty dimension named in `dim` (as given)."""
    if not (ord < 0 or math.isinf(ord)):
        return
    dims = () if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims and 0 in shape:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    for d in dims:
        if shape[d] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the dimension {d}because this "
                               "dimension is empty and the operation does not have an identity")


def p_norm_backward(x: Any, norm: Any, grad: Any, p: float) -> Any:
    r"""The gradient of `p_norm` at Tensor x (`norm` and `grad` broadcast back to x's shape),
    with torch's formulas and masks:
    :math:`p < 1`: :math:`\operatorname{sgn}(x)|x|^{p-1} \cdot g \cdot \lVert x\rVert^{1-p}`
    (0 where x = 0); :math:`1 < p < 2`: :math:`\operatorname{sgn}(x)|x|^{p-1} \cdot
    g / \lVert x\rVert^{p-1}`; :math:`p > 2`: :math:`x|x|^{p-2} \cdot g / \lVert x\rVert^{p-1}`
    (both 0 where the norm is 0). The infinite powers of zero that the masks remove raise no
    NumPy warning (torch's give none)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if p < 1:
            scaled = x.sign() * (x.abs() ** (p - 1)).where(x != 0, 0.0)
            return scaled * grad * norm ** (1 - p)
        scaled = x.sign() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return scaled * (grad / norm ** (p - 1)).where(norm != 0, 0.0)
