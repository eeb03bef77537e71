"""Matrix products. matmul follows torch's rules: 1-d operands gain a dimension that is dropped
afterwards, batch dimensions broadcast. For C = A @ B:  dA = dC @ B^T,  dB = A^T @ dC."""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from .._creation import eye
from ..autograd.function import Function
from .._dtype import c_name, torch_name
from ._util import is_tensor, promote, sum_to


def _mm_error(a: np.ndarray, b: np.ndarray) -> RuntimeError:
    if a.ndim <= 2 and b.ndim <= 2:
        shape = lambda x: "x".join(map(str, x.shape if x.ndim == 2 else (1,) + x.shape))  # noqa: E731
        return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({shape(a)} and {shape(b)})")
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to match: matmul of shapes "
        f"{list(a.shape)} and {list(b.shape)} (the last dim of the first must equal the second-to-last of the second)"
    )


class MatMul(Function):
    """a @ b;  da = dout @ b^T,  db = a^T @ dout (each summed over broadcast batch dims)."""

    _array_forward = True
    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
        ctx.save_for_backward(a, b)
        try:
            return np.asarray(np.matmul(a, b))
        except ValueError:
            raise _mm_error(a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        # a vector operand is a matrix with one row (a) or one column (b) dropped from the result
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        g = grad.reshape(grad.shape + (1,)) if b.ndim == 1 else grad
        g = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if a.ndim == 1 else g
        da = db = None
        if ctx.needs_input_grad[0]:
            da = (b2 @ g.mT).mT if _transposed(a) and b2.ndim == 2 else sum_to(g @ b2.mT, a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            db = (g.mT @ a2).mT if _transposed(b) and a2.ndim == 2 else sum_to(a2.mT @ g, b2.shape).reshape(b.shape)
        return da, db

    backward_arrays = backward


def _transposed(t: Any) -> bool:
    """A 2-d operand that is the transpose of a C-ordered matrix (as `W.T` in `x @ W.T`). With a
    2-d other operand (no batch to sum over), its
    gradient is computed as the transpose of a C-ordered product, so that once the transpose's
    backward undoes it, the gradient is C-ordered and becomes `.grad` without a copy (torch's
    layout rule)."""
    arr = t if type(t) is np.ndarray else t._data
    flags = arr.flags
    return arr.ndim == 2 and flags.f_contiguous and not flags.c_contiguous


class Dot(MatMul):
    pass


class Mv(MatMul):
    pass


class Bmm(MatMul):
    pass


_BY_DIMS = {(1, 1): Dot, (2, 1): Mv, (3, 3): Bmm}


def _matmul_fn(a: Any, b: Any) -> type:
    """torch's node name for a @ b by the (tensor) operands' dimensions."""
    return _BY_DIMS.get((a._data.ndim, b._data.ndim), MatMul)


class Einsum(Function):
    """Einstein summation;  d(operand i) = einsum of dout with the other operands, into i's indices."""

    _array_forward = True

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.inputs, ctx.output = _parse(equation, operands)
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(",".join(ctx.inputs) + "->" + ctx.output, *operands))

    @staticmethod
    def backward(ctx, grad):
        ops = ctx.saved_tensors
        grads = [None]
        for i, (sub, op) in enumerate(zip(ctx.inputs, ops)):
            grads.append(_operand_grad(grad, ctx.output, i, ctx.inputs, ops) if ctx.needs_input_grad[i + 1] else None)
        return tuple(grads)


def _operand_grad(grad: Any, output: str, i: int, inputs: list[str], ops: tuple) -> Any:
    """d(sum)/d(operand i): einsum of dout with the other operands into i's distinct letters,
    broadcast over letters nothing else has, then placed on the diagonals of repeated letters
    (for `ii`, multiplied by an identity matrix)."""
    sub, op = inputs[i], ops[i]
    size = {c: op.shape[sub.index(c)] for c in sub}
    distinct = "".join(dict.fromkeys(sub))
    others = [(s, o) for j, (s, o) in enumerate(zip(inputs, ops)) if j != i]
    known = set(output).union(*[set(s) for s, _ in others])
    reach = "".join(c for c in distinct if c in known)
    g = einsum(",".join([output] + [s for s, _ in others]) + "->" + reach, grad, *[o for _, o in others])
    broadcast = tuple(k for k, c in enumerate(reach) if size[c] == 1 and g.shape[k] != 1)
    if broadcast:
        g = g.sum(broadcast, keepdim=True)
    g = g.reshape([size[c] if c in reach else 1 for c in distinct]).expand([size[c] for c in distinct])
    if len(distinct) == len(sub):
        return g
    spare = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in known | set(sub))
    full, deltas = [], []
    for c in sub:
        if c in full:
            d = next(spare)
            deltas.append(c + d)
            c = d
        full.append(c)
    eyes = [eye(size[d[0]], dtype=grad.dtype) for d in deltas]
    return einsum(",".join([distinct] + deltas) + "->" + "".join(full), g, *eyes)


def _parse(equation: str, operands: tuple) -> tuple[list[str], str]:
    """The subscripts of each operand and of the output, with `...` spelled out as letters the
    equation doesn't use (right-aligned, so fewer `...` dims broadcast) and the implicit output
    (`...` first, then the letters that appear once, sorted) made explicit."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError(f"einsum(): the equation has {len(inputs)} operands but {len(operands)} tensors were given")
    spare = [c for c in string.ascii_letters if c not in eq]
    counts = [np.ndim(op) - len(s) + 3 for s, op in zip(inputs, operands) if "..." in s]
    ellipsis = "".join(spare[:max(counts, default=0)])
    inputs = [s.replace("...", ellipsis[len(ellipsis) - np.ndim(op) + len(s) - 3:]) for s, op in zip(inputs, operands)]
    if arrow:
        return inputs, rhs.replace("...", ellipsis)
    letters = "".join(inputs)
    once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
    return inputs, ellipsis + "".join(once)


def matmul(input: Any, other: Any) -> Any:
    """torch's matmul (see the module docstring). Both operands must have one dtype: torch
    multiplies no mixed pair, so neither does ember."""
    a, b = promote(input, other) if not (is_tensor(input) and is_tensor(other)) else (input, other)
    if a._data.dtype != b._data.dtype:
        raise _dtype_error(a, b)
    return _matmul_fn(a, b).apply(a, b)


def _dtype_error(a: Any, b: Any) -> RuntimeError:
    if a.ndim == 1 and b.ndim == 1:
        found = f"dot : expected both vectors to have same dtype, but found {torch_name(a.dtype)} and {torch_name(b.dtype)}"
    else:
        found = f"expected m1 and m2 to have the same dtype, but got: {c_name(a.dtype)} != {c_name(b.dtype)}"
    return RuntimeError(f"{found}; convert one with .to(other.dtype) first")


def mm(input: Any, mat2: Any) -> Any:
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2D tensors, got {input.ndim}D and {mat2.ndim}D")
    return matmul(input, mat2)


def mv(input: Any, vec: Any) -> Any:
    """matrix @ vector, refusing any other ranks as torch's mv does."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        n, m = input._data.shape
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({vec.shape[0]})")
    return matmul(input, vec)


def bmm(input: Any, mat2: Any) -> Any:
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm: expected 3D tensors, got {input.ndim}D and {mat2.ndim}D")
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {list(input.shape)} and {list(mat2.shape)}")
    return matmul(input, mat2)


def dot(input: Any, other: Any) -> Any:
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input._data.shape != other._data.shape:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{other.shape[0]}] "
            "to have the same number of elements, but got different ones"
        )
    return matmul(input, other)


def outer(input: Any, vec2: Any) -> Any:
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def einsum(equation: Any, *operands: Any) -> Any:
    """einsum("ij,jk->ik", a, b), or torch's sublist form einsum(a, [0, 1], b, [1, 2], [0, 2])."""
    if not isinstance(equation, str):
        equation, operands = _sublist_equation((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if any(not op.dtype.is_floating_point for op in operands):
        operands = _summed_first(equation, operands)
    return Einsum.apply(equation, *operands)


def _summed_first(equation: str, operands: tuple) -> tuple:
    """The integer operands as torch's einsum takes them: one with a letter no other operand and
    not the output has is summed over it first, and torch's sum gives int64, so `i->` on int32
    is int64 while `i,i->` stays int32. Those operands are widened to int64 here."""
    inputs, output = _parse(equation, operands)
    widened = []
    for i, (sub, op) in enumerate(zip(inputs, operands)):
        elsewhere = output + "".join(s for j, s in enumerate(inputs) if j != i)
        private = any(c not in elsewhere for c in sub)
        widened.append(op.long() if private and not op.dtype.is_floating_point else op)
    return tuple(widened)


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """The equation and operands of einsum's sublist form: operand, sublist, ..., [output sublist];
    subscripts 0-51 are the letters a-z then A-Z, an Ellipsis is '...'."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def spell(sublist: Any) -> str:
        return "".join("..." if s is Ellipsis else letters[int(s)] for s in sublist)

    operands, sublists = args[0:len(args) - len(args) % 2:2], args[1::2]
    equation = ",".join(spell(s) for s in sublists[:len(operands)])
    if len(args) % 2:
        equation += "->" + spell(args[-1])
    return equation, tuple(operands)
