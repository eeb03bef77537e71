"""Matrix products with an added term and the other named products: addmm, addmv, addr,
baddbmm, addbmm (beta * input + alpha * product), vdot, inner, ger, tensordot, kron,
chain_matmul and cross.

All are written with matmul, mul and reshapes, so their gradients are those ops' gradients.
torch's one special case: with beta = 0, input is ignored, so a NaN or inf in it does not reach
the result (and its gradient is zero).
"""

from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _dtype, _tensor
from .._creation import tensor
from ._util import normalize_dims
from .index import masked_fill, select
from .inplace import _inplace
from .join import stack
from .linalg import bmm, dot, mm, mv, outer
from .shape import expand, permute, reshape


def _add_scaled(input: Any, product: Any, beta: Any, alpha: Any, op: str) -> Any:
    """beta * input + alpha * product, input broadcast to product's shape. For integer tensors,
    torch's addr refuses a float beta or alpha and the other products truncate it toward zero
    (addmv(beta=1.7) scales by 1); bool tensors (addr) give (beta and input) or (alpha and product)."""
    if input.dtype != product.dtype:
        raise RuntimeError(f"{op}: expected self and the product to have the same dtype, but got {input.dtype} and {product.dtype}")
    if not input.dtype.is_floating_point:
        for name, value in (("beta", beta), ("alpha", alpha)):
            if op == "addr" and isinstance(value, float):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
        beta, alpha = int(beta), int(alpha)
    try:
        base = expand(input, product.shape)
    except RuntimeError:
        raise RuntimeError(
            f"{op}: the shape of input {list(input.shape)} cannot be broadcast to the product's shape {list(product.shape)}"
        ) from None
    if input.dtype is _dtype.bool_:
        return (base & bool(beta)) | (product & bool(alpha))
    if beta == 0:
        base = masked_fill(base, tensor(True), 0)
    elif beta != 1:
        base = base * beta
    return base + (product if alpha == 1 else product * alpha)


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta * input + alpha * (mat1 @ mat2)."""
    return _add_scaled(input, mm(mat1, mat2), beta, alpha, "addmm")


def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta * input + alpha * (mat @ vec)."""
    return _add_scaled(input, mv(mat, vec), beta, alpha, "addmv")


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta * input + alpha * outer(vec1, vec2)."""
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D" if vec1.ndim != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return _add_scaled(input, outer(vec1, vec2), beta, alpha, "addr")


def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    return _add_scaled(input, bmm(batch1, batch2), beta, alpha, "baddbmm")


def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta * input + alpha * sum over the batch of batch1[i] @ batch2[i]."""
    products = bmm(batch1, batch2)
    return _add_scaled(input, products.sum(0, dtype=products.dtype), beta, alpha, "addbmm")


def _inplace_form(op: Any) -> Any:
    def inplace(input: Any, a: Any, b: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        return _inplace(input, lambda x, u, v: op(x, u, v, beta=beta, alpha=alpha), a, b)

    inplace.__name__ = op.__name__ + "_"
    inplace.__doc__ = f"{op.__name__} written into input."
    return inplace


addmm_, addmv_, addr_, baddbmm_, addbmm_ = (_inplace_form(op) for op in (addmm, addmv, addr, baddbmm, addbmm))


def vdot(input: Any, other: Any) -> Any:
    """The dot product of two vectors (conjugating the first; ember's tensors are real)."""
    return dot(input, other)


ger = outer


def inner(input: Any, other: Any) -> Any:
    """The sum over the last dim of input and other of their products (a number times a tensor
    if either is a number)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes {list(input.shape)} "
            f"and {list(other.shape)}"
        )
    return tensordot(input, other, ([-1], [-1]))


def tensordot(a: Any, b: Any, dims: Union[int, Sequence[Any], Any] = 2) -> Any:
    """The sum of products over dims[0] of a and dims[1] of b (an int n: a's last n with b's
    first n); the result has a's other dims, then b's."""
    if isinstance(dims, _tensor.Tensor):
        dims = int(dims._data) if dims.ndim == 0 else dims._data.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da = [normalize_dims(d, a.ndim)[0] for d in da]
    db = [normalize_dims(d, b.ndim)[0] for d in db]
    for i, j in zip(da, db):
        if a.shape[i] == 1 and b.shape[j] != 1:  # torch sums the other side over a dim of size 1, in its dtype
            b = b.sum(j, keepdim=True, dtype=b.dtype)
        elif b.shape[j] == 1 and a.shape[i] != 1:
            a = a.sum(i, keepdim=True, dtype=a.dtype)
        elif a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} and second has "
                f"size {b.shape[j]} in dim {j}"
            )
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = int(np.prod([a.shape[d] for d in da]))
    left = reshape(permute(a, free_a + da), (-1, k))
    right = reshape(permute(b, db + free_b), (k, -1))
    return reshape(mm(left, right), tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b))


def kron(input: Any, other: Any) -> Any:
    """The Kronecker product: block (i, j, ...) is input[i, j, ...] * other."""
    ndim = max(input.ndim, other.ndim)
    sa = (1,) * (ndim - input.ndim) + tuple(input.shape)
    sb = (1,) * (ndim - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(v for n in sa for v in (n, 1)))
    b = reshape(other, tuple(v for n in sb for v in (1, n)))
    return reshape(a * b, tuple(m * n for m, n in zip(sa, sb)))


def chain_matmul(*matrices: Any) -> Any:
    """mm of the matrices, left to right (deprecated in torch for linalg.multi_dot)."""
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
        "parameters.", UserWarning, stacklevel=2,
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"chain_matmul(): Tensor should be 2-dimensional, but got {m.ndim}D")
    out = matrices[0] if len(matrices) > 1 else matrices[0].clone()
    for m in matrices[1:]:
        out = mm(out, m)
    return out


def cross(input: Any, other: Any, dim: Optional[int] = None) -> Any:
    """The cross product of 3-vectors along dim (without dim, the first dim of size 3)."""
    if input.ndim != other.ndim:
        raise RuntimeError(
            f"linalg.cross: inputs must have the same number of dimensions. Got {input.ndim} and {other.ndim}"
        )
    shape = np.broadcast_shapes(input.shape, other.shape)
    a, b = expand(input, shape), expand(other, shape)
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
            "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
            "with that of linalg.cross in a future release.", UserWarning, stacklevel=2,
        )
        dim = next((i for i, n in enumerate(shape) if n == 3), -1)
    d = normalize_dims(dim, len(shape))[0]
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {d} must have length 3. Got {input.shape[d]} and {other.shape[d]}"
        )
    x0, x1, x2 = (select(a, d, i) for i in range(3))
    y0, y1, y2 = (select(b, d, i) for i in range(3))
    return stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], d)
