"""The Tensor's methods for the elementwise, special-function and order-statistic ops of
`ops.trigonometric`, `ops.pointwise`, `ops.bitwise`, `ops.special_functions` and
`ops.order_statistics`: each a one-line call of the op, and `name_` its in-place form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .ops import arithmetic, bitwise, compare, cumulative, histogram, nan_reductions, order_statistics as order, pointwise, unary
from .ops import special_functions as special, trigonometric as trig
from .ops import shape
from .ops.inplace import _inplace, check_cast

if TYPE_CHECKING:
    from ._tensor import Tensor


class ElementwiseMethods:
    """Mixed into Tensor before TensorMethods."""

    __slots__ = ()

    def asin(self) -> Tensor: return trig.asin(self)
    def acos(self) -> Tensor: return trig.acos(self)
    def atan(self) -> Tensor: return trig.atan(self)
    def sinh(self) -> Tensor: return trig.sinh(self)
    def cosh(self) -> Tensor: return trig.cosh(self)
    def asinh(self) -> Tensor: return trig.asinh(self)
    def acosh(self) -> Tensor: return trig.acosh(self)
    def atanh(self) -> Tensor: return trig.atanh(self)
    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
    def atan2(self, other: Any) -> Tensor: return trig.atan2(self, other)
    arctan2 = atan2
    def hypot(self, other: Any) -> Tensor: return trig.hypot(self, other)
    def deg2rad(self) -> Tensor: return trig.deg2rad(self)
    def rad2deg(self) -> Tensor: return trig.rad2deg(self)

    def copysign(self, other: Any) -> Tensor: return pointwise.copysign(self, other)
    def fmod(self, other: Any) -> Tensor: return pointwise.fmod(self, other)
    def xlogy(self, other: Any) -> Tensor: return pointwise.xlogy(self, other)
    def logaddexp(self, other: Any) -> Tensor: return pointwise.logaddexp(self, other)
    def logaddexp2(self, other: Any) -> Tensor: return pointwise.logaddexp2(self, other)
    def logit(self, eps: Optional[float] = None) -> Tensor: return pointwise.logit(self, eps)
    def sinc(self) -> Tensor: return pointwise.sinc(self)
    def lerp(self, end: Any, weight: Any) -> Tensor: return pointwise.lerp(self, end, weight)
    def nan_to_num(self, nan: float = 0.0, posinf: Optional[float] = None, neginf: Optional[float] = None) -> Tensor:
        return pointwise.nan_to_num(self, nan, posinf, neginf)
    def addcmul(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return pointwise.addcmul(self, tensor1, tensor2, value=value)
    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return pointwise.addcdiv(self, tensor1, tensor2, value=value)
    def frac(self) -> Tensor: return pointwise.frac(self)
    def fix(self) -> Tensor: return unary.trunc(self)
    def round(self, *, decimals: int = 0) -> Tensor: return unary.round(self, decimals=decimals)
    def float_power(self, exponent: Any) -> Tensor: return pointwise.float_power(self, exponent)
    def true_divide(self, other: Any) -> Tensor: return arithmetic.div(self, other)
    def exp2(self) -> Tensor: return pointwise.exp2(self)
    def square(self) -> Tensor: return pointwise.square(self)
    def positive(self) -> Tensor: return pointwise.positive(self)
    def sgn(self) -> Tensor: return pointwise.sgn(self)
    def ldexp(self, other: Any) -> Tensor: return pointwise.ldexp(self, other)
    def clamp_min(self, min: Any) -> Tensor: return pointwise.clamp_min(self, min)
    def clamp_max(self, max: Any) -> Tensor: return pointwise.clamp_max(self, max)
    def heaviside(self, values: Any) -> Tensor: return pointwise.heaviside(self, values)
    def nextafter(self, other: Any) -> Tensor: return pointwise.nextafter(self, other)
    def frexp(self) -> Any: return pointwise.frexp(self)
    def signbit(self) -> Tensor: return pointwise.signbit(self)
    def isposinf(self) -> Tensor: return pointwise.isposinf(self)
    def isneginf(self) -> Tensor: return pointwise.isneginf(self)
    def isreal(self) -> Tensor: return pointwise.isreal(self)
    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        return pointwise.isclose(self, other, rtol, atol, equal_nan)

    def bitwise_and(self, other: Any) -> Tensor: return compare.bitwise_and(self, other)
    def bitwise_or(self, other: Any) -> Tensor: return compare.bitwise_or(self, other)
    def bitwise_xor(self, other: Any) -> Tensor: return compare.bitwise_xor(self, other)
    def bitwise_left_shift(self, other: Any) -> Tensor: return bitwise.bitwise_left_shift(self, other)
    def bitwise_right_shift(self, other: Any) -> Tensor: return bitwise.bitwise_right_shift(self, other)
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift
    def __rlshift__(self, other: Any) -> Tensor: return bitwise.bitwise_left_shift(other, self)
    def __rrshift__(self, other: Any) -> Tensor: return bitwise.bitwise_right_shift(other, self)
    def __ilshift__(self, other: Any) -> Tensor: return _inplace(self, bitwise.bitwise_left_shift, other)
    def __irshift__(self, other: Any) -> Tensor: return _inplace(self, bitwise.bitwise_right_shift, other)
    def gcd(self, other: Any) -> Tensor: return bitwise.gcd(self, other)
    def lcm(self, other: Any) -> Tensor: return bitwise.lcm(self, other)

    def lgamma(self) -> Tensor: return special.lgamma(self)
    def digamma(self) -> Tensor: return special.digamma(self)
    def polygamma(self, n: int) -> Tensor: return special.polygamma(n, self)
    def mvlgamma(self, p: int) -> Tensor: return special.mvlgamma(self, p)
    def erfc(self) -> Tensor: return special.erfc(self)
    def erfinv(self) -> Tensor: return special.erfinv(self)
    def i0(self) -> Tensor: return special.i0(self)

    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        return nan_reductions.nansum(self, dim, keepdim, dtype=dtype)
    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
        return nan_reductions.nanmean(self, dim, keepdim, dtype=dtype)
    def median(self, dim: Optional[int] = None, keepdim: bool = False) -> Any: return order.median(self, dim, keepdim)
    def nanmedian(self, dim: Optional[int] = None, keepdim: bool = False) -> Any:
        return order.nanmedian(self, dim, keepdim)
    def quantile(self, q: Any, dim: Optional[int] = None, keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
        return order.quantile(self, q, dim, keepdim, interpolation=interpolation)
    def nanquantile(
        self, q: Any, dim: Optional[int] = None, keepdim: bool = False, *, interpolation: str = "linear"
    ) -> Tensor:
        return order.nanquantile(self, q, dim, keepdim, interpolation=interpolation)
    def mode(self, dim: int = -1, keepdim: bool = False) -> Any: return order.mode(self, dim, keepdim)
    def cummax(self, dim: int) -> Any: return order.cummax(self, dim)
    def cummin(self, dim: int) -> Any: return order.cummin(self, dim)
    def aminmax(self, *, dim: Optional[int] = None, keepdim: bool = False) -> Any:
        return nan_reductions.aminmax(self, dim=dim, keepdim=keepdim)
    def count_nonzero(self, dim: Any = None) -> Tensor: return nan_reductions.count_nonzero(self, dim)
    def logcumsumexp(self, dim: int) -> Tensor: return nan_reductions.logcumsumexp(self, dim)
    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
        return nan_reductions.histc(self, bins, min, max)
    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Any = None, density: bool = False) -> Any:
        return histogram.histogram(self, bins, range=range, weight=weight, density=density)
    def bincount(self, weights: Any = None, minlength: int = 0) -> Tensor:
        return nan_reductions.bincount(self, weights, minlength)
    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        return nan_reductions.diff(self, n, dim, prepend, append)


def _inplace_method(op: Any, *, first: bool = False, cast_first: bool = False) -> Any:
    """`t.name_(*args)`: t <- op(t, *args) in t's storage (`first`: op takes an int before t;
    `cast_first`: a result type t cannot hold is refused before op runs, as torch's bitwise ops)."""
    if first:
        def method(self: Any, n: int) -> Any:
            return _inplace(self, lambda t: op(n, t))
    else:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            if cast_first:
                check_cast(self, *args)
            return _inplace(self, lambda t, *a: op(t, *a, **kwargs), *args)
    method.__doc__ = f"In-place {op.__name__}."
    return method


_INPLACE = {
    "asin": trig.asin, "acos": trig.acos, "atan": trig.atan, "sinh": trig.sinh, "cosh": trig.cosh,
    "asinh": trig.asinh, "acosh": trig.acosh, "atanh": trig.atanh, "atan2": trig.atan2, "hypot": trig.hypot,
    "deg2rad": trig.deg2rad, "rad2deg": trig.rad2deg, "copysign": pointwise.copysign, "fmod": pointwise.fmod,
    "remainder": arithmetic.remainder, "xlogy": pointwise.xlogy, "logit": pointwise.logit,
    "sinc": pointwise.sinc, "lerp": pointwise.lerp, "nan_to_num": pointwise.nan_to_num,
    "addcmul": pointwise.addcmul, "addcdiv": pointwise.addcdiv, "frac": pointwise.frac, "fix": unary.trunc,
    "trunc": unary.trunc, "round": unary.round, "float_power": pointwise.float_power,
    "true_divide": arithmetic.div, "exp2": pointwise.exp2, "square": pointwise.square, "sgn": pointwise.sgn,
    "ldexp": pointwise.ldexp, "clamp_min": pointwise.clamp_min, "clamp_max": pointwise.clamp_max,
    "heaviside": pointwise.heaviside, "nextafter": pointwise.nextafter, "rsqrt": unary.rsqrt,
    "expm1": unary.expm1, "log1p": unary.log1p, "log2": unary.log2, "log10": unary.log10,
    "bitwise_left_shift": bitwise.bitwise_left_shift, "bitwise_right_shift": bitwise.bitwise_right_shift,
    "gcd": bitwise.gcd, "lcm": bitwise.lcm, "lgamma": special.lgamma, "digamma": special.digamma,
    "mvlgamma": special.mvlgamma, "erfc": special.erfc, "erfinv": special.erfinv, "i0": special.i0,
    "erf": unary.erf, "abs": unary.abs, "ceil": unary.ceil, "cos": unary.cos, "floor": unary.floor,
    "log": unary.log, "reciprocal": unary.reciprocal, "sin": unary.sin, "sqrt": unary.sqrt, "tan": unary.tan,
    "neg": arithmetic.neg, "cumsum": cumulative.cumsum, "cumprod": cumulative.cumprod,
}
for _name, _op in _INPLACE.items():
    setattr(ElementwiseMethods, _name + "_", _inplace_method(_op))
for _alias, _name in {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
                      "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2"}.items():
    setattr(ElementwiseMethods, _alias + "_", getattr(ElementwiseMethods, _name + "_"))
ElementwiseMethods.polygamma_ = _inplace_method(special.polygamma, first=True)  # type: ignore[attr-defined]
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not"):
    setattr(ElementwiseMethods, _name + "_", _inplace_method(getattr(compare, _name), cast_first=True))
ElementwiseMethods.tril_ = _inplace_method(shape.tril)  # type: ignore[attr-defined]
ElementwiseMethods.triu_ = _inplace_method(shape.triu)  # type: ignore[attr-defined]
