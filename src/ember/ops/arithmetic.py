"""Elementwise arithmetic with broadcasting: forward on arrays, backward on Tensors.

Every binary rule ends with `sum_to(..., shape)`: an input broadcast along a dimension received
the same value many times, so its gradient is the sum over that dimension.

float16 meets a Python number as torch's kernels do. A product or quotient with the number on the
right (where torch's operators put it: `1e5 / x` is `x.reciprocal() * 1e5`) is computed in
float32 and rounded once (`half_opmath`); NumPy alone would round the number to float16 first.
A sum or difference rounds the number to float16, as NumPy does; with `alpha` it is one float32
sum (`AddScaled`). Other dtypes pass one type check and take NumPy's operators.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from .. import _dtype
from .._convert import checked_scalar
from .._out import Rule, written
from .._creation import zeros_like
from .div_rounding import DivFloor, DivTrunc, check_integer_division
from ._util import apply_binary, as_torch_error, float_operands, half_opmath, is_tensor, opmath, promote, sum_to, wrap_ints

_ndarray = np.ndarray
_FLOAT16_MAX = float(np.finfo(np.float16).max)


class Add(Function):
    """a + b;  d/da = 1,  d/db = 1."""

    _array_forward = True
    _number_edge = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape if type(a) is _ndarray else (), b.shape if type(b) is _ndarray else ())
        return a + b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da, db = ctx.needs_input_grad
        return (sum_to(grad, sa) if da else None), (sum_to(grad, sb) if db else None)

    backward_arrays = backward


class Sub(Function):
    """a - b;  d/da = 1,  d/db = -1."""

    _array_forward = True
    _number_edge = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape if type(a) is _ndarray else (), b.shape if type(b) is _ndarray else ())
        return a - b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da, db = ctx.needs_input_grad
        return (sum_to(grad, sa) if da else None), (sum_to(-grad, sb) if db else None)

    backward_arrays = backward


class Rsub(Function):
    """torch's rsub: b - a (`2 - x` is rsub(x, 2));  d/da = -1,  d/db = 1."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape if type(a) is _ndarray else (), b.shape if type(b) is _ndarray else ())
        return b - a

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da, db = ctx.needs_input_grad
        return (sum_to(-grad, sa) if da else None), (sum_to(grad, sb) if db else None)

    backward_arrays = backward


class RsubScalar(Rsub):
    """b - a for a number b (torch's node for `2 - x`)."""

    backward_name = "RsubBackward1"


class AddScaled(Function):
    """a + alpha b, torch's add with alpha, one node;  d/da = 1,  d/db = alpha. float16 adds in
    float32 with alpha rounded to float16 first, as torch's kernel does, and rounds only the sum;
    its gradient for b is computed in float32 (`half_opmath`)."""

    _array_forward = True
    _number_edge = None
    backward_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, *, alpha):
        ctx.shapes, ctx.alpha = (np.shape(a), np.shape(b)), alpha
        if np.result_type(a, b).char == "e":
            return _half_add_scaled(a, b, alpha)
        return a + b * alpha

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da, db = ctx.needs_input_grad
        alpha = ctx.alpha
        ga = sum_to(grad, sa) if da else None
        gb = sum_to(opmath(np.multiply, grad, alpha), sb) if db else None
        return ga, gb

    backward_arrays = backward


class SubScaled(AddScaled):
    """a - alpha b, computed as a + (-alpha) b, as torch's sub is."""

    backward_name = "SubBackward0"


def _half_add_scaled(a: Any, b: Any, alpha: float) -> np.ndarray:
    """float16 a + alpha b as torch computes it: operands and alpha rounded to float16 (alpha
    must fit), the sum taken in float32 and rounded once."""
    if abs(alpha) > _FLOAT16_MAX and np.isfinite(alpha):
        raise RuntimeError(f"value cannot be converted to type float16 without overflow: {alpha}")
    with np.errstate(over="ignore"):  # float16 overflows to inf, as torch's does, without a warning
        a32, b32 = np.asarray(a, np.float16).astype(np.float32), np.asarray(b, np.float16).astype(np.float32)
        return (a32 + np.float32(np.float16(alpha)) * b32).astype(np.float16)


class Mul(Function):
    """a * b;  d/da = b,  d/db = a. A float16 array times a number b (on the right, where torch's
    `x * 0.1` and `0.1 * x` both put it) is computed in float32 (`half_opmath`), forward and
    backward."""

    _array_forward = True
    _number_edge = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if type(b) is not _ndarray and a.dtype.char == "e":
            return half_opmath(np.multiply, a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = sum_to(opmath(np.multiply, grad, b), a.shape) if da else None
        gb = sum_to(grad * a, b.shape) if db else None
        return ga, gb

    backward_arrays = backward


class Div(Function):
    """a / b;  d/da = 1/b,  d/db = -(a/b)/b (torch's order: b*b would overflow float16 first).
    A float16 array over a number b is computed in float32 (`half_opmath`), forward and
    backward."""

    _array_forward = True
    _number_edge = None

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if type(b) is not _ndarray and a.dtype.char == "e":
            return half_opmath(np.true_divide, a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = sum_to(opmath(np.true_divide, grad, b), a.shape) if da else None
        gb = sum_to(-grad * (a / b / b), b.shape) if db else None
        return ga, gb

    backward_arrays = backward


class Pow(Function):
    """x ** p for a number p;  d/dx = p x^(p-1) (0 when p = 0)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        try:
            return x**p
        except ValueError:  # NumPy's refusal of an integer to a negative integer power
            raise RuntimeError("Integers to negative integer powers are not allowed.") from None

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.p
        return (zeros_like(grad) if p == 0 else grad * (p * x ** (p - 1))), None


class PowTensor(Function):
    """a ** b;  d/da = b a^(b-1),  d/db = a^b ln a (0 where a = 0 and b >= 0, as torch)."""

    _array_forward = True
    backward_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        out = _integer_power(a, b) if b.dtype.kind in "iu" else np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = gb = None
        if da:
            ga = sum_to((grad * b * a ** (b - 1)).where(b != 0, 0.0), a.shape)
        if db:
            gb = sum_to((grad * out * a.log()).where((a != 0) | (b < 0), 0.0), b.shape)
        return ga, gb


class PowScalarBase(Function):
    """c ** b for a number c;  d/db = c^b ln c (0 where c = 0 and b >= 0). ln c is taken in
    float64 and multiplied in as a number, as torch does (float16: in float32, `Mul`)."""

    _array_forward = True
    backward_name = "PowBackward2"

    @staticmethod
    def forward(ctx, c, b):
        base = np.asarray(c, b.dtype)
        out = _integer_power(base, b) if b.dtype.kind in "iu" else np.power(base, b)
        ctx.save_for_backward(b, out)
        ctx.c = c
        return out

    @staticmethod
    def backward(ctx, grad):
        b, out = ctx.saved_tensors
        c = ctx.c
        with np.errstate(divide="ignore", invalid="ignore"):  # ln 0 = -inf, ln c < 0 is nan, as torch's
            scale = out * float(np.log(c))
        if c == 0:
            scale = scale.where(b < 0, 0.0)
        return None, grad * scale


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a ** b for integer tensors, as torch's integer kernel: a negative exponent gives 1 for a
    base of 1, +-1 for a base of -1 (by the exponent's parity) and 0 for any other base, where
    NumPy refuses the whole operation."""
    negative = b < 0
    if not negative.any():
        return np.power(a, b)
    out = np.power(a, np.where(negative, 0, b))
    odd = (b % 2).astype(bool)
    at_negative = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
    return np.where(negative, at_negative, out)


class Neg(Function):
    """-x;  d/dx = -1."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad

    backward_arrays = backward


class Remainder(Function):
    """a mod b (sign of b, as Python and torch);  d/da = 1,  d/db = -(a // b), floor division
    with Python's (and torch's) rule at infinities: 3 // -inf is -1, where floor(3 / -inf) is -0.
    The quotient is div(a, b, rounding_mode='floor'), whose own derivative is zero (torch's), so
    the second derivative is zero."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        out = np.remainder(a, b)
        if out.dtype.kind in "iu":
            check_integer_division(a, b, out, "remainder")
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (
            sum_to(grad, a.shape) if da else None,
            sum_to(-grad * DivFloor.apply(a, b), b.shape) if db else None,
        )


class FloorDivide(Function):
    """floor(a / b): piecewise constant, and torch defines no derivative for it."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        out = np.floor_divide(a, b)
        if out.dtype.kind in "iu":
            check_integer_division(a, b, out, "div_floor")
        return out

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for floor_divide is not implemented")


def add(input: Any, other: Any, *, alpha: float = 1, out: Any = None) -> Any:
    """input + alpha * other, broadcasting."""
    if out is not None:
        return written(add, Rule.CAST, (input, other), {"alpha": alpha}, out)
    if alpha != 1:
        return _apply_scaled(AddScaled, input, other, alpha)
    return apply_binary(Add, input, other)


def sub(input: Any, other: Any, *, alpha: float = 1, out: Any = None) -> Any:
    """input - alpha * other, broadcasting; a bool operand is refused, as torch refuses it."""
    if out is not None:
        return written(sub, Rule.CAST, (input, other), {"alpha": alpha}, out)
    if alpha != 1:
        refuse_bool(input, other)
        return _apply_scaled(SubScaled, input, other, -alpha)
    return _apply_subtraction(Sub, input, other)


def rsub(input: Any, other: Any, *, alpha: float = 1) -> Any:
    """other - alpha * input, broadcasting (torch's rsub: `2 - x` is rsub(x, 2))."""
    if alpha != 1:
        return sub(other, input, alpha=alpha)
    return _apply_subtraction(Rsub if is_tensor(other) or isinstance(other, np.ndarray) else RsubScalar, input, other)


def _apply_subtraction(fn: type[Function], input: Any, other: Any) -> Any:
    """`apply_binary(fn, input, other)` for a subtraction, refusing bool operands (`refuse_bool`).
    They are looked for only where promotion cast an operand or met a Python bool, or where
    NumPy refused two bool arrays: two tensors of one dtype pay nothing for the check."""
    a, b = promote(input, other)
    if a is not input or b is not other or type(input) is bool or type(other) is bool:
        refuse_bool(input, other)
    try:
        return fn.apply(a, b)
    except ValueError as e:
        raise as_torch_error(e, a, b) from None
    except OverflowError:  # a Python int beyond an integer dtype: wrapped, as in apply_binary
        return fn.apply(*wrap_ints(a, b))
    except TypeError:
        refuse_bool(input, other)
        raise


def refuse_bool(input: Any, other: Any) -> None:
    """torch refuses subtraction with a bool operand, tensor or number, and says what to use."""
    bools = _is_bool(input) + _is_bool(other)
    if bools == 2:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if bools:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _is_bool(x: Any) -> bool:
    """A Python bool or a bool tensor or array (torch reads a NumPy bool scalar as a number)."""
    array = x._data if is_tensor(x) else x
    return isinstance(x, bool) or type(array) is _ndarray and array.dtype.kind == "b"


def _apply_scaled(fn: type[AddScaled], input: Any, other: Any, alpha: float) -> Any:
    """`fn.apply(a, b, alpha=alpha)` on the promoted operands. An integral result takes no float
    alpha, and an int alpha is converted into its dtype as torch converts it (`checked_scalar`:
    uint8 takes -255..255, -3 being 253, so that the sum wraps in the dtype as torch's does)."""
    a, b = promote(input, other)
    target = _dtype.result_type(a, b)
    if not target.is_floating_point:
        if isinstance(alpha, float):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
        alpha = checked_scalar(alpha, target)[()]
    try:
        return fn.apply(a, b, alpha=alpha)
    except ValueError as e:
        raise as_torch_error(e, a, b) from None
    except OverflowError:  # a Python int operand beyond the dtype: wrapped, as in apply_binary
        return fn.apply(*wrap_ints(a, b), alpha=alpha)


def mul(input: Any, other: Any, *, out: Any = None) -> Any:
    if out is not None:
        return written(mul, Rule.CAST, (input, other), {}, out)
    return apply_binary(Mul, input, other)


def div(input: Any, other: Any, *, rounding_mode: Any = None, out: Any = None) -> Any:
    """True division (integers give the default float dtype); rounding_mode 'floor' or 'trunc'
    rounds the quotient in the operands' dtype (`div_rounding`: its derivative is zero)."""
    if out is not None:
        return written(div, Rule.CAST, (input, other), {"rounding_mode": rounding_mode}, out)
    if rounding_mode is None:
        return apply_binary(Div, *float_operands(input, other))
    if rounding_mode == "floor":
        return apply_binary(DivFloor, input, other)
    if rounding_mode == "trunc":
        return apply_binary(DivTrunc, input, other)
    raise RuntimeError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
    )


def _refuse_numbers(name: str, input: Any, exponent: Any) -> None:
    """torch's pow and float_power take a Tensor on at least one side."""
    raise TypeError(
        f"{name}() received an invalid combination of arguments - got ({type(input).__name__}, "
        f"{type(exponent).__name__}): one of input and exponent must be a Tensor (use Python's ** "
        f"for two numbers, or wrap one in ember.tensor)"
    )


def pow(input: Any, exponent: Any) -> Any:
    """input ** exponent, for a Tensor or number on either side (not both: torch's TypeError)."""
    if not is_tensor(exponent) and not isinstance(exponent, np.ndarray):
        if not is_tensor(input):
            _refuse_numbers("pow", input, exponent)
        a, p = promote(input, exponent)
        if a._data.dtype.kind == "b":  # bool ** bool stays bool in torch (NumPy's is int8)
            return Pow.apply(a, p).bool()
        return Pow.apply(a, p)
    a, b = promote(input, exponent)
    _refuse_bool_power(b)
    if not is_tensor(a):
        return PowScalarBase.apply(a, b)
    return apply_binary(PowTensor, a, b)


def _refuse_bool_power(t: Any) -> None:
    """torch has no bool kernel for pow with a tensor exponent: bool ** bool tensors are refused
    (bool ** 2 promotes first, and a number exponent on a bool tensor is torch's special case)."""
    if t._data.dtype.kind == "b":
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")


def neg(input: Any) -> Any:
    if input._data.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


def remainder(input: Any, other: Any) -> Any:
    return apply_binary(Remainder, input, other)


def floor_divide(input: Any, other: Any) -> Any:
    return apply_binary(FloorDivide, input, other)
