"""The op table: every differentiable op of the issue, as rows that drive the comparison with
torch (test_ops.py) and the finite-difference checks (test_gradcheck.py).

A row's `fn(lib, *xs)` is written once against the torch API and run with `lib` = ember and
`lib` = torch; `torch_fn` overrides it where the spelling differs. Inputs are seeded uniform
draws from `ranges` (one (lo, hi) per input, or `low`/`high` for all), or the fixed `data`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np
import torch.nn.functional as F

import ember.ops
from tolerances import EXACT, REDUCTION, TRANSCENDENTAL

FLOATS = ("float64", "float32")
# a row's `tol`: the class of the tolerance contract (tests/tolerances.py) it is held to; "exact"
# unless it calls libm (TRANSCENDENTAL) or sums in an order torch may not share (REDUCTION)


@dataclass(frozen=True)
class Op:
    name: str
    fn: Callable[..., Any]
    shapes: tuple = ((3, 4),)
    torch_fn: Optional[Callable[..., Any]] = None
    dtypes: tuple = FLOATS
    low: float = -2.0
    high: float = 2.0
    ranges: Optional[tuple] = None
    data: Optional[tuple] = None
    grad: bool = True
    gradgrad: bool = False
    tags: tuple = field(default=())
    tol: str = EXACT

    def torch_call(self) -> Callable[..., Any]:
        return self.torch_fn or self.fn

    def input_ranges(self) -> tuple:
        return self.ranges or ((self.low, self.high),) * len(self.shapes)

    def arrays_for(self, dtype: str) -> Optional[list]:
        if self.data is None:
            return None
        return [np.asarray(d, dtype=dtype) for d in self.data]


def _pos(name: str, fn: Callable, **kw: Any) -> Op:
    return Op(name, fn, low=0.5, high=2.0, **kw)


def _idx(lib: Any, *rows: Any) -> Any:
    return lib.tensor(rows if len(rows) > 1 else rows[0])


TWO = ((3, 4), (3, 4))
BCAST = ((3, 1), (1, 4))
BCAST3 = ((2, 3, 4), (4,))
POS_SECOND = ((-2.0, 2.0), (0.5, 2.0))

ARITHMETIC = [
    Op("add", lambda t, x, y: x + y, TWO, gradgrad=True),
    Op("add_bcast", lambda t, x, y: x + y, BCAST),
    Op("add_bcast3", lambda t, x, y: t.add(x, y), BCAST3),
    Op("add_alpha", lambda t, x, y: t.add(x, y, alpha=2.5), BCAST),
    Op("add_scalar", lambda t, x: x + 1.5),
    Op("radd_scalar", lambda t, x: 1.5 + x),
    Op("sub", lambda t, x, y: x - y, BCAST3, gradgrad=True),
    Op("sub_alpha", lambda t, x, y: x.sub(y, alpha=3), TWO),
    Op("rsub_scalar", lambda t, x: 2 - x),
    Op("mul", lambda t, x, y: x * y, TWO, gradgrad=True),
    Op("mul_bcast", lambda t, x, y: t.mul(x, y), BCAST, gradgrad=True),
    Op("rmul_scalar", lambda t, x: 3 * x),
    Op("mul_self", lambda t, x: x * x, gradgrad=True),
    Op("div", lambda t, x, y: x / y, BCAST3, ranges=POS_SECOND, gradgrad=True),
    Op("div_scalar", lambda t, x: x / 4),
    Op("rdiv_scalar", lambda t, x: 1 / x, low=0.5, high=2.0, gradgrad=True),
    Op("rdiv_scalar_negative", lambda t, x: 2.5 / x, low=-2.0, high=-0.5, gradgrad=True),
    Op("rdiv_scalar_0d", lambda t, x: 3 / x, ((),), low=0.5, high=2.0, gradgrad=True),
    Op("div_fn_scalar_first", lambda t, x: t.div(2, x), low=0.5, high=2.0, gradgrad=True),
    Op("floordiv", lambda t, x, y: x // y, TWO, ranges=POS_SECOND, grad=False),
    Op("rfloordiv", lambda t, x: 7 // x, low=0.5, high=2.0, grad=False),
    Op("mod", lambda t, x, y: x % y, TWO, ranges=POS_SECOND),
    Op("mod_negative_divisor", lambda t, x, y: t.remainder(x, y), TWO, ranges=((-2.0, 2.0), (-2.0, -0.5))),
    Op("mod_scalar", lambda t, x: x % 0.75),
    Op("rmod_scalar", lambda t, x: 5.0 % x, low=0.5, high=2.0, grad=False),
    Op("pow_2", lambda t, x: x**2, gradgrad=True),
    Op("pow_3", lambda t, x: t.pow(x, 3), gradgrad=True),
    Op("pow_half", lambda t, x: x**0.5, low=0.5, high=2.0, tol=TRANSCENDENTAL),
    Op("pow_negative", lambda t, x: x**-1.5, low=0.5, high=2.0, gradgrad=True, tol=TRANSCENDENTAL),
    Op("pow_0", lambda t, x: x**0),
    Op("rpow_scalar", lambda t, x: 2**x, gradgrad=True, tol=TRANSCENDENTAL),
    Op("pow_tensor", lambda t, x, y: x**y, TWO, ranges=((0.5, 2.0), (-2.0, 2.0)), gradgrad=True, tol=TRANSCENDENTAL),
    Op("pow_tensor_bcast", lambda t, x, y: t.pow(x, y), BCAST, ranges=((0.5, 2.0), (-2.0, 2.0)), tol=TRANSCENDENTAL),
    Op("pow_tensor_zero_base", lambda t, x, y: x**y, data=([0.0, 0.0, 2.0], [2.0, 0.0, 3.0]), tol=TRANSCENDENTAL),
    Op("neg", lambda t, x: -x, gradgrad=True),
    Op("neg_fn", lambda t, x: t.neg(x)),
    Op("abs", lambda t, x: x.abs(), gradgrad=True),
    Op("abs_at_zero", lambda t, x: t.abs(x), data=([-1.0, 0.0, 2.0],)),
    Op("sign", lambda t, x: x.sign()),
    Op("maximum", lambda t, x, y: t.maximum(x, y), TWO, gradgrad=True),
    Op("maximum_bcast", lambda t, x, y: t.maximum(x, y), BCAST),
    Op("maximum_ties", lambda t, x, y: t.maximum(x, y), data=([1.0, 2.0, 3.0], [1.0, 5.0, 3.0])),
    Op("minimum", lambda t, x, y: t.minimum(x, y), BCAST3),
    Op("minimum_ties", lambda t, x, y: t.minimum(x, y), data=([1.0, 2.0, 3.0], [1.0, 5.0, 0.0])),
    Op("where", lambda t, x, y: t.where(x > 0, x, y), TWO, gradgrad=True),
    Op("where_bcast", lambda t, x, y: t.where(y > 0, x, y), BCAST),
    Op("where_scalar", lambda t, x: t.where(x > 0, x, 0.0)),
    Op("where_method", lambda t, x, y: x.where(x < y, y), TWO),
    Op("clamp", lambda t, x: t.clamp(x, -0.5, 0.7), gradgrad=True),
    Op("clamp_min", lambda t, x: x.clamp(min=0.1)),
    Op("clamp_max", lambda t, x: x.clamp(max=0.1)),
    Op("clamp_tensor_bounds", lambda t, x, lo, hi: x.clamp(lo, hi), ((3, 4), (3, 4), (3, 4)),
       ranges=((-2.0, 2.0), (-1.5, -0.5), (0.5, 1.5))),
    Op("clamp_at_bounds", lambda t, x: x.clamp(-1.0, 1.0), data=([-2.0, -1.0, 0.0, 1.0, 2.0],)),
    Op("clip", lambda t, x: t.clip(x, -1, 1)),
    Op("lerp", lambda t, x, y: x.lerp(y, 0.3), TWO),
    Op("lerp_from_end", lambda t, x, y: (x.lerp(y, 0.8), x.lerp(y, 1.0)), TWO),
    Op("lerp_tensor_weight", lambda t, x, y, w: x.lerp(y, w), ((3, 4), (3, 4), (3, 4)), ranges=((-2.0, 2.0),) * 2 + ((-0.5, 1.5),)),
]

UNARY = [
    Op("exp", lambda t, x: x.exp(), gradgrad=True, tol=TRANSCENDENTAL),
    Op("log", lambda t, x: t.log(x), low=0.1, high=3.0, gradgrad=True, tol=TRANSCENDENTAL),
    Op("log1p", lambda t, x: x.log1p(), low=-0.5, high=2.0, gradgrad=True, tol=TRANSCENDENTAL),
    Op("expm1", lambda t, x: t.expm1(x), gradgrad=True, tol=TRANSCENDENTAL),
    Op("log2", lambda t, x: x.log2(), low=0.1, high=3.0, tol=TRANSCENDENTAL),
    Op("log10", lambda t, x: x.log10(), low=0.1, high=3.0, tol=TRANSCENDENTAL),
    _pos("sqrt", lambda t, x: x.sqrt(), gradgrad=True),
    _pos("rsqrt", lambda t, x: t.rsqrt(x), gradgrad=True),
    Op("reciprocal_fn", lambda t, x: t.reciprocal(x), low=-2.0, high=-0.5, gradgrad=True),
    Op("reciprocal_0d", lambda t, x: x.reciprocal(), ((),), low=0.5, high=2.0),
    Op("sin", lambda t, x: x.sin(), gradgrad=True, tol=TRANSCENDENTAL),
    Op("cos", lambda t, x: t.cos(x), gradgrad=True, tol=TRANSCENDENTAL),
    Op("tan", lambda t, x: x.tan(), low=-1.2, high=1.2, gradgrad=True, tol=TRANSCENDENTAL),
    Op("tanh", lambda t, x: x.tanh(), gradgrad=True, tol=TRANSCENDENTAL),
    # float64 gradients 1 - tanh^2 of 1e-8 to 1e-5, at points where NumPy's tanh and torch's
    # agree to the last bit: the exact class (no atol) holds, and catches 1 - y*y (2e-9 off)
    Op("tanh_saturated", lambda t, x: x.tanh(), data=([6.0, 7.0, 7.5, 8.0, 8.5, 10.0, -6.5, -8.0],), dtypes=("float64",)),
    Op("sigmoid", lambda t, x: t.sigmoid(x), gradgrad=True, tol=TRANSCENDENTAL),
    Op("sigmoid_large", lambda t, x: x.sigmoid(), data=([-800.0, -30.0, 0.0, 30.0, 800.0],), tol=TRANSCENDENTAL),
    Op("relu", lambda t, x: x.relu(), gradgrad=True),
    Op("relu_at_zero", lambda t, x: t.relu(x), data=([-1.0, 0.0, 0.0, 2.0],)),
    Op("softplus", lambda t, x: ember.ops.softplus(x), torch_fn=lambda t, x: F.softplus(x),
       gradgrad=True, tol=TRANSCENDENTAL),
    Op("softplus_beta", lambda t, x: ember.ops.softplus(x, beta=2.0, threshold=3.0),
       torch_fn=lambda t, x: F.softplus(x, beta=2.0, threshold=3.0), low=-3.0, high=3.0, tol=TRANSCENDENTAL),
    Op("softplus_large", lambda t, x: ember.ops.softplus(x), torch_fn=lambda t, x: F.softplus(x),
       data=([-50.0, 0.0, 19.0, 21.0, 100.0],), tol=TRANSCENDENTAL),
    Op("erf", lambda t, x: x.erf(), gradgrad=True, tol=TRANSCENDENTAL),
    Op("square", lambda t, x: x.square()),
    Op("reciprocal", lambda t, x: x.reciprocal(), low=0.5, high=2.0, gradgrad=True),
    Op("floor", lambda t, x: x.floor()),
    Op("ceil", lambda t, x: t.ceil(x)),
    Op("round", lambda t, x: x.round()),
    Op("trunc", lambda t, x: x.trunc()),
    Op("cast_float", lambda t, x: x.float() * 2, tags=("float32_inside",)),
    Op("cast_double", lambda t, x: x.double() * 2),
    Op("to_dtype", lambda t, x: x.to(t.float32) + x.to(t.float64), tags=("float32_inside",)),
]

X3 = ((2, 3, 4),)

REDUCE = [
    Op("sum", lambda t, x: x.sum(), gradgrad=True, tol=REDUCTION),
    Op("sum_dim", lambda t, x: x.sum(1), X3, gradgrad=True, tol=REDUCTION),
    Op("sum_dims", lambda t, x: t.sum(x, (0, 2)), X3, tol=REDUCTION),
    Op("sum_keepdim", lambda t, x: x.sum(-1, keepdim=True), X3, tol=REDUCTION),
    Op("sum_0d", lambda t, x: x.sum(), ((),), tol=REDUCTION),
    Op("reduce_0d_with_dim", lambda t, x: (x.sum(0), x.mean(-1), x.amax(0), x.logsumexp(0), x.prod(0)), ((),),
       tol=REDUCTION),
    Op("mean", lambda t, x: x.mean(), gradgrad=True, tol=REDUCTION),
    Op("mean_dim", lambda t, x: t.mean(x, 1), X3, gradgrad=True, tol=REDUCTION),
    Op("mean_dims_keepdim", lambda t, x: x.mean((0, -1), keepdim=True), X3, tol=REDUCTION),
    Op("prod", lambda t, x: x.prod(), low=0.5, high=1.5, tol=REDUCTION),
    Op("prod_dim", lambda t, x: t.prod(x, 1), X3, tol=REDUCTION),
    Op("prod_keepdim", lambda t, x: x.prod(0, keepdim=True), X3, tol=REDUCTION),
    Op("prod_with_zero", lambda t, x: x.prod(1), data=([[1.0, 0.0, 3.0], [2.0, 4.0, 5.0], [0.0, 0.0, 2.0]],),
       tol=REDUCTION),
    Op("prod_all_with_zero", lambda t, x: x.prod(), data=([[1.5, 0.0, 3.0], [2.0, 4.0, 5.0]],), tol=REDUCTION),
    Op("max", lambda t, x: x.max(), gradgrad=True),
    Op("max_dim", lambda t, x: x.max(1), X3),
    Op("max_dim_keepdim", lambda t, x: t.max(x, -1, keepdim=True), X3),
    Op("max_binary", lambda t, x, y: t.max(x, y), TWO),
    Op("max_ties", lambda t, x: x.max(), data=([[1.0, 3.0], [3.0, 2.0]],)),
    Op("max_dim_ties", lambda t, x: x.max(1), data=([[1.0, 1.0, 0.0], [2.0, 5.0, 5.0]],)),
    Op("min", lambda t, x: t.min(x)),
    Op("min_dim", lambda t, x: x.min(0), X3),
    Op("min_ties", lambda t, x: x.min(), data=([[1.0, -3.0], [-3.0, 2.0]],)),
    Op("amax", lambda t, x: x.amax()),
    Op("amax_dims", lambda t, x: t.amax(x, (0, 2)), X3),
    Op("amax_keepdim", lambda t, x: x.amax(1, keepdim=True), X3),
    Op("amax_ties", lambda t, x: x.amax(1), data=([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]],)),
    Op("amin", lambda t, x: x.amin(-1), X3),
    Op("amin_ties", lambda t, x: t.amin(x, 0), data=([[1.0, 3.0], [1.0, 2.0]],)),
    Op("var", lambda t, x: x.var(), gradgrad=True, tol=REDUCTION),
    Op("var_dim", lambda t, x: x.var(1), X3, tol=REDUCTION),
    Op("var_dims_keepdim", lambda t, x: t.var(x, (0, 2), keepdim=True), X3, tol=REDUCTION),
    Op("var_correction0", lambda t, x: x.var(1, correction=0), X3, tol=REDUCTION),
    Op("var_unbiased_false", lambda t, x: x.var(unbiased=False), tol=REDUCTION),
    Op("std", lambda t, x: x.std(), tol=REDUCTION),
    Op("std_dim", lambda t, x: t.std(x, -1), X3, tol=REDUCTION),
    Op("std_correction0_keepdim", lambda t, x: x.std(0, correction=0, keepdim=True), X3, tol=REDUCTION),
    Op("norm", lambda t, x: x.norm(), gradgrad=True, tol=REDUCTION),
    Op("norm_p1", lambda t, x: x.norm(p=1), tol=REDUCTION),
    Op("norm_p3_dim", lambda t, x: t.norm(x, p=3, dim=1), X3, tol=REDUCTION),
    Op("norm_inf", lambda t, x: x.norm(p=math.inf), tol=REDUCTION),
    Op("norm_dims_keepdim", lambda t, x: x.norm(2, dim=(0, 2), keepdim=True), X3, tol=REDUCTION),
    Op("norm_zero_vector", lambda t, x: x.norm(dim=1), data=([[0.0, 0.0], [3.0, 4.0]],), tol=REDUCTION),
    Op("logsumexp", lambda t, x: x.logsumexp(1), X3, gradgrad=True, tol=REDUCTION),
    Op("logsumexp_dims", lambda t, x: t.logsumexp(x, (0, 1)), X3, tol=REDUCTION),
    Op("logsumexp_keepdim", lambda t, x: x.logsumexp(-1, keepdim=True), X3, tol=REDUCTION),
    Op("logsumexp_large", lambda t, x: x.logsumexp(0), data=([1000.0, 1000.0, -5.0],), tol=REDUCTION),
    Op("cumsum", lambda t, x: x.cumsum(0), gradgrad=True, tol=REDUCTION),
    Op("cumsum_last", lambda t, x: t.cumsum(x, -1), X3, tol=REDUCTION),
    Op("cumprod", lambda t, x: x.cumprod(1), X3, low=0.5, high=1.5, gradgrad=True, tol=REDUCTION),
    Op("cumprod_negative", lambda t, x: t.cumprod(x, -1), low=-2.0, high=-0.5, gradgrad=True, tol=REDUCTION),
    Op("cumprod_0d", lambda t, x: x.cumprod(0), ((),), tol=REDUCTION),
    Op("cumprod_with_zeros", lambda t, x: (x.cumprod(1), t.cumprod(x, 0)),
       data=([[1.5, 0.0, 3.0, 0.5], [0.0, 0.0, 2.0, -1.0], [2.0, 4.0, -0.5, 0.0]],), tol=REDUCTION),
    Op("argmax", lambda t, x: x.argmax()),
    Op("argmax_dim", lambda t, x: t.argmax(x, 1), X3),
    Op("argmax_keepdim", lambda t, x: x.argmax(-1, keepdim=True), X3),
    Op("argmin", lambda t, x: x.argmin(0), X3),
    Op("softmax", lambda t, x: x.softmax(-1), X3, gradgrad=True, tol=REDUCTION),
    Op("softmax_dim0", lambda t, x: t.softmax(x, 0), X3, tol=REDUCTION),
    Op("softmax_large", lambda t, x: x.softmax(0), data=([1000.0, 999.0, -1000.0],), tol=REDUCTION),
    Op("log_softmax", lambda t, x: x.log_softmax(1), X3, gradgrad=True, tol=REDUCTION),
    Op("log_softmax_last", lambda t, x: t.log_softmax(x, -1), tol=REDUCTION),
]

SHAPE = [
    Op("reshape", lambda t, x: x.reshape(4, 3), gradgrad=True),
    Op("reshape_infer", lambda t, x: t.reshape(x, (-1,)), X3),
    Op("view", lambda t, x: x.view(2, 6)),
    Op("view_tuple", lambda t, x: x.view((3, 2, 2))),
    Op("view_as", lambda t, x, y: x.view_as(y), ((3, 4), (2, 6))),
    Op("flatten", lambda t, x: x.flatten(), X3),
    Op("flatten_from", lambda t, x: t.flatten(x, 1), X3),
    Op("flatten_range", lambda t, x: x.flatten(0, 1), X3),
    Op("squeeze", lambda t, x: x.squeeze(), ((3, 1, 4, 1),)),
    Op("squeeze_dim", lambda t, x: t.squeeze(x, 1), ((3, 1, 4, 1),)),
    Op("squeeze_non_one", lambda t, x: x.squeeze(0), ((3, 1, 4),)),
    Op("unsqueeze", lambda t, x: x.unsqueeze(0)),
    Op("unsqueeze_last", lambda t, x: t.unsqueeze(x, -1)),
    Op("permute", lambda t, x: x.permute(2, 0, 1), X3, gradgrad=True),
    Op("permute_tuple", lambda t, x: t.permute(x, (1, 2, 0)), X3),
    Op("movedim", lambda t, x: x.movedim(0, -1), X3),
    Op("movedim_tuple", lambda t, x: t.movedim(x, (0, 2), (1, 0)), X3),
    Op("moveaxis", lambda t, x: t.moveaxis(x, -1, 0), X3),
    Op("transpose", lambda t, x: x.transpose(0, 2), X3),
    Op("transpose_neg", lambda t, x: t.transpose(x, -1, -2), X3),
    Op("t", lambda t, x: x.t()),
    Op("T", lambda t, x: x.T, X3),
    Op("mT", lambda t, x: x.mT, X3),
    Op("expand", lambda t, x: x.expand(3, 4), ((3, 1),)),
    Op("expand_new_dims", lambda t, x: x.expand(2, -1, 4), ((3, 1),)),
    Op("expand_as", lambda t, x, y: x.expand_as(y), ((1, 4), (3, 4))),
    Op("broadcast_to", lambda t, x: t.broadcast_to(x, (2, 3, 4)), ((3, 1),)),
    Op("repeat", lambda t, x: x.repeat(2, 3), gradgrad=True),
    Op("repeat_new_dim", lambda t, x: x.repeat(2, 1, 2)),
    Op("cat", lambda t, x, y, z: t.cat([x, y, z]), ((1, 4), (3, 4), (2, 4))),
    Op("cat_dim1", lambda t, x, y: t.cat((x, y), dim=1), ((3, 2), (3, 4))),
    Op("cat_neg_dim", lambda t, x, y: t.cat([x, y], -1), ((2, 3, 1), (2, 3, 2))),
    Op("stack", lambda t, x, y: t.stack([x, y]), TWO),
    Op("stack_dim1", lambda t, x, y, z: t.stack((x, y, z), 1), ((3, 4),) * 3),
    Op("stack_last", lambda t, x, y: t.stack([x, y], dim=-1), TWO),
    Op("split", lambda t, x: x.split(2, dim=1), ((3, 5),)),
    Op("split_sizes", lambda t, x: t.split(x, [1, 3], 1)),
    Op("split_partial_use", lambda t, x: x.split(2)[1], ((5, 2),)),
    Op("chunk", lambda t, x: x.chunk(3, 1), ((3, 7),)),
    Op("chunk_dim0", lambda t, x: t.chunk(x, 2)),
    Op("unbind", lambda t, x: x.unbind(1)),
    Op("narrow", lambda t, x: x.narrow(1, 1, 2)),
    Op("select", lambda t, x: x.select(0, -1)),
    Op("narrow_negative_start", lambda t, x: x.narrow(1, -3, 2)),
    Op("flip", lambda t, x: x.flip(0)),
    Op("flip_dims", lambda t, x: t.flip(x, (0, 2)), X3),
    Op("roll", lambda t, x: x.roll(1, 0)),
    Op("roll_dims", lambda t, x: t.roll(x, (1, -2), (0, 2)), X3),
    Op("roll_flat", lambda t, x: x.roll(5)),
    Op("pad", lambda t, x: x.pad((1, 2)), torch_fn=lambda t, x: F.pad(x, (1, 2))),
    Op("pad_2d_value", lambda t, x: ember.ops.pad(x, (1, 0, 2, 1), value=0.5),
       torch_fn=lambda t, x: F.pad(x, (1, 0, 2, 1), value=0.5), gradgrad=True),
    Op("pad_negative", lambda t, x: ember.ops.pad(x, (-1, 2, 0, -1)), torch_fn=lambda t, x: F.pad(x, (-1, 2, 0, -1))),
    Op("tril", lambda t, x: x.tril()),
    Op("tril_diag", lambda t, x: t.tril(x, -1), X3),
    Op("triu", lambda t, x: t.triu(x)),
    Op("triu_diag", lambda t, x: x.triu(1), ((4, 3),)),
    Op("clone", lambda t, x: x.clone()),
    Op("contiguous", lambda t, x: x.t().contiguous()),
]

INDEX = [
    Op("index_int", lambda t, x: x[1], gradgrad=True),
    Op("index_neg_int", lambda t, x: x[-1, 2], X3),
    Op("index_slice", lambda t, x: x[:, 1:3], gradgrad=True),
    Op("index_step", lambda t, x: x[::2, 1::2], X3),
    Op("index_ellipsis", lambda t, x: x[..., 1], X3),
    Op("index_none", lambda t, x: x[None, 1, :, None], X3),
    Op("index_tensor_repeats", lambda t, x: x[t.tensor([0, 2, 0, 0])], gradgrad=True),
    Op("index_list", lambda t, x: x[[1, 1, 0]]),
    Op("index_pairs_repeats", lambda t, x: x[[0, 0, 2], [1, 1, 3]]),
    Op("index_mixed", lambda t, x: x[1, [0, 2, 2]], X3),
    Op("index_slice_and_tensor", lambda t, x: x[:, t.tensor([3, 0, 3])]),
    Op("index_bool_mask", lambda t, x: x[x > 0]),
    Op("index_bool_rows", lambda t, x: x[t.tensor([True, False, True])]),
    Op("index_select", lambda t, x: x.index_select(1, t.tensor([3, 0, 3])), gradgrad=True),
    Op("index_select_dim0", lambda t, x: t.index_select(x, 0, t.tensor([1, 1, 0])), X3),
    Op("gather", lambda t, x: x.gather(1, t.tensor([[0, 0], [3, 1], [2, 2]])), gradgrad=True),
    Op("gather_dim0", lambda t, x: t.gather(x, 0, t.tensor([[2, 0, 1, 1]]))),
    Op("scatter", lambda t, x, s: x.scatter(1, t.tensor([[0, 2], [3, 1], [1, 0]]), s), ((3, 4), (3, 2))),
    Op("scatter_value", lambda t, x: t.scatter(x, 0, t.tensor([[2, 0, 1, 1]]), 0.5)),
    Op("scatter_add", lambda t, x, s: x.scatter_add(1, t.tensor([[0, 0], [3, 1], [2, 2]]), s), ((3, 4), (3, 2))),
    Op("masked_fill", lambda t, x: x.masked_fill(x > 0.5, -1.0)),
    Op("masked_fill_bcast", lambda t, x: t.masked_fill(x, t.tensor([True, False, False, True]), 2.0)),
    Op("setitem_scalar", lambda t, x: _setitem(x * 1, (0,), 0.0)),
    Op("setitem_tensor", lambda t, x, v: _setitem(x * 1, (slice(None), 1), v), ((3, 4), (3,))),
    Op("setitem_bcast_value", lambda t, x, v: _setitem(x * 2, (slice(0, 2),), v), ((3, 4), (4,))),
    Op("setitem_mask", lambda t, x: _setitem(x * 1, (x < 0,), 0.0)),
    Op("sort", lambda t, x: x.sort(), X3),
    Op("sort_dim_desc", lambda t, x: t.sort(x, 0, descending=True), X3),
    Op("argsort", lambda t, x: x.argsort(1), X3),
    Op("argsort_desc", lambda t, x: t.argsort(x, descending=True)),
    Op("topk", lambda t, x: x.topk(2), X3),
    Op("topk_smallest_dim", lambda t, x: t.topk(x, 2, dim=0, largest=False), X3),
]


def _setitem(y: Any, key: tuple, value: Any) -> Any:
    y[key] = value
    return y


LINALG = [
    Op("matmul_2d", lambda t, x, y: x @ y, ((3, 4), (4, 2)), gradgrad=True, tol=REDUCTION),
    Op("matmul_1d_2d", lambda t, x, y: x @ y, ((4,), (4, 3)), tol=REDUCTION),
    Op("matmul_2d_1d", lambda t, x, y: t.matmul(x, y), ((3, 4), (4,)), tol=REDUCTION),
    Op("matmul_1d_1d", lambda t, x, y: x.matmul(y), ((4,), (4,)), tol=REDUCTION),
    Op("matmul_batched_2d", lambda t, x, y: x @ y, ((2, 3, 4), (4, 2)), gradgrad=True, tol=REDUCTION),
    Op("matmul_batched", lambda t, x, y: x @ y, ((2, 3, 4), (2, 4, 2)), tol=REDUCTION),
    Op("matmul_batch_bcast", lambda t, x, y: x @ y, ((2, 1, 3, 4), (3, 4, 2)), tol=REDUCTION),
    Op("matmul_1d_batched", lambda t, x, y: x @ y, ((4,), (2, 4, 3)), tol=REDUCTION),
    Op("matmul_batched_1d", lambda t, x, y: x @ y, ((2, 3, 4), (4,)), tol=REDUCTION),
    Op("dot", lambda t, x, y: t.dot(x, y), ((5,), (5,)), gradgrad=True, tol=REDUCTION),
    Op("outer", lambda t, x, y: x.outer(y), ((3,), (4,)), tol=REDUCTION),
    Op("mm", lambda t, x, y: t.mm(x, y), ((3, 4), (4, 2)), tol=REDUCTION),
    Op("mv", lambda t, x, y: t.mv(x, y), ((3, 4), (4,)), tol=REDUCTION),
    Op("mv_method", lambda t, x, y: x.mv(y), ((3, 4), (4,)), tol=REDUCTION),
    Op("bmm", lambda t, x, y: x.bmm(y), ((2, 3, 4), (2, 4, 2)), tol=REDUCTION),
    Op("einsum_mm", lambda t, x, y: t.einsum("ij,jk->ik", x, y), ((3, 4), (4, 2)), gradgrad=True, tol=REDUCTION),
    Op("einsum_bmm", lambda t, x, y: t.einsum("bij,bjk->bik", x, y), ((2, 3, 4), (2, 4, 2)), tol=REDUCTION),
    Op("einsum_outer_implicit", lambda t, x, y: t.einsum("i,j", x, y), ((3,), (4,)), tol=REDUCTION),
    Op("einsum_sum", lambda t, x: t.einsum("ij->", x), tol=REDUCTION),
    Op("einsum_transpose", lambda t, x: t.einsum("ij->ji", x), tol=REDUCTION),
    Op("einsum_broadcast_dim", lambda t, x, y: t.einsum("ij,j->i", x, y), ((3, 4), (4,)), tol=REDUCTION),
    Op("einsum_three", lambda t, x, y, z: t.einsum("ij,jk,k->i", x, y, z), ((2, 3), (3, 4), (4,)), tol=REDUCTION),
    Op("einsum_trace", lambda t, x: t.einsum("ii->", x), ((3, 3),), tol=REDUCTION),
    Op("einsum_diag", lambda t, x: t.einsum("ii->i", x), ((3, 3),), tol=REDUCTION),
    Op("einsum_repeated_with_other", lambda t, x, y: t.einsum("iij,j->ij", x, y), ((3, 3, 2), (2,)), tol=REDUCTION),
    Op("einsum_ellipsis_matmul", lambda t, x, y: t.einsum("...ij,jk->...ik", x, y), ((2, 3, 4), (4, 2)),
       gradgrad=True, tol=REDUCTION),
    Op("einsum_ellipsis_broadcast", lambda t, x, y: t.einsum("...j,...j", x, y), ((2, 1, 3), (4, 3)), tol=REDUCTION),
    Op("einsum_size_one_broadcast", lambda t, x, y: t.einsum("ij,ij->ij", x, y), ((3, 1), (3, 4)), tol=REDUCTION),
    Op("einsum_ellipsis_implicit_sum", lambda t, x: t.einsum("i...->...", x), X3, tol=REDUCTION),
    Op("einsum_unused_letter", lambda t, x, y: t.einsum("ij,k->i", x, y), ((3, 4), (2,)), tol=REDUCTION),
]

INPLACE = [
    Op("add_", lambda t, x, y: (x * 1).add_(y), BCAST3),
    Op("add_alpha_", lambda t, x, y: (x * 1).add_(y, alpha=-0.5), TWO),
    Op("iadd", lambda t, x, y: _iadd(x * 1, y), TWO),
    Op("sub_", lambda t, x, y: (x + 0).sub_(y), TWO),
    Op("mul_", lambda t, x, y: (x * 1).mul_(y), TWO),
    Op("mul_self_", lambda t, x: (x * 1).mul_(x)),
    Op("div_", lambda t, x, y: (x * 1).div_(y), TWO, ranges=POS_SECOND),
    Op("clamp_", lambda t, x: (x * 1).clamp_(-0.5, 0.5)),
    Op("zero_", lambda t, x, y: (x * 1).zero_() + y, TWO),
    Op("fill_", lambda t, x: (x * 2).fill_(1.5) * x),
    Op("copy_", lambda t, x, y: (x * 1).copy_(y), BCAST3),
    Op("inplace_on_view", lambda t, x, y: _view_mul(x * 1, y), ((3, 4), (4,))),
    Op("inplace_on_view_of_view", lambda t, x, y: _nested_view_add(x * 1, y), ((3, 4), (2,))),
    Op("inplace_on_transposed_view", lambda t, x, y: _transposed_mul(x * 1, y), ((3, 4), (3,))),
    Op("inplace_on_reshaped_view", lambda t, x: _reshaped_zero(x * 1), tol=TRANSCENDENTAL),
    Op("iadd_on_index", lambda t, x, y: _index_iadd(x * 1, y), ((3, 4), (4,))),
]


def _iadd(a: Any, b: Any) -> Any:
    a += b
    return a


def _view_mul(base: Any, v: Any) -> Any:
    base[1].mul_(v)
    return base


def _nested_view_add(base: Any, v: Any) -> Any:
    row = base[2]
    row[1:3].add_(v)
    return base * 2


def _transposed_mul(base: Any, v: Any) -> Any:
    base.t().mul_(v)
    return base


def _reshaped_zero(base: Any) -> Any:
    base.view(-1)[3:7].zero_()
    return base.exp()


def _index_iadd(base: Any, v: Any) -> Any:
    base[0] += v
    return base


INT = ("int64", "int32")
INTEGER = [
    Op("int_add", lambda t, x, y: x + y, TWO, dtypes=INT, low=-5, high=5),
    Op("int_add_scalar", lambda t, x: x + 3, dtypes=INT + ("uint8", "int8", "int16"), low=0, high=5),
    Op("int_add_float_scalar", lambda t, x: x + 1.5, dtypes=INT + ("uint8",), low=0, high=5),
    Op("int_mul", lambda t, x, y: x * y, TWO, dtypes=INT, low=-5, high=5),
    Op("int_truediv", lambda t, x, y: x / y, TWO, dtypes=INT, ranges=((-9, 9), (1, 4))),
    Op("int_floordiv", lambda t, x, y: x // y, TWO, dtypes=INT, ranges=((-9, 9), (1, 4))),
    Op("int_mod", lambda t, x, y: x % y, TWO, dtypes=INT, ranges=((-9, 9), (-4, -1))),
    Op("int_pow", lambda t, x: x**2, dtypes=INT, low=-5, high=5),
    Op("int_neg_abs_sign", lambda t, x: (-x, x.abs(), x.sign()), dtypes=INT, low=-5, high=5),
    Op("int_sum", lambda t, x: (x.sum(), x.sum(1)), dtypes=INT + ("uint8", "bool"), low=0, high=5),
    Op("int_cumsum", lambda t, x: x.cumsum(1), dtypes=INT + ("bool",), low=0, high=5),
    Op("int_prod", lambda t, x: x.prod(1), dtypes=INT, low=-3, high=3),
    Op("int_cumprod", lambda t, x: (x.cumprod(1), t.cumprod(x, 0, dtype=t.float64)), dtypes=INT + ("bool",),
       low=-3, high=3),
    Op("int_max_argmax", lambda t, x: (x.max(), x.argmax(), x.max(1)), dtypes=INT, low=-50, high=50),
    Op("int_matmul", lambda t, x, y: x @ y, ((3, 4), (4, 2)), dtypes=INT, low=-5, high=5),
    Op("int_float_mix", lambda t, x: (x + t.ones(4), x * t.ones(4, dtype=t.float64)), dtypes=INT, low=-5, high=5),
    Op("int_clamp", lambda t, x: x.clamp(-2, 2), dtypes=INT, low=-5, high=5),
    Op("int_where", lambda t, x: t.where(x > 0, x, -x), dtypes=INT, low=-5, high=5),
    Op("int_where_scalars", lambda t, x: (t.where(x > 0, 1, 0), t.where(x > 0, 1.5, 0), t.where(x > 0, x, 0.5)),
       dtypes=INT, low=-5, high=5),
    Op("int_unary_to_float", lambda t, x: (x.exp(), x.log1p(), x.sqrt(), x.sin(), x.tanh(), x.sigmoid(), x.erf()),
       dtypes=INT + ("uint8", "bool"), low=0, high=5),
    Op("int_clamp_float_bounds", lambda t, x: (x.clamp(-1.5, 2.5), t.clamp(x, min=0.5)), dtypes=INT, low=-5, high=5),
    Op("int_div_rounding", lambda t, x, y: (t.div(x, y, rounding_mode="trunc"), x.div(y, rounding_mode="floor")), TWO,
       dtypes=INT, ranges=((-9, 9), (1, 4))),
    Op("bool_logic", lambda t, x, y: (x & y, x | y, x ^ y, ~x, x.logical_not()), TWO, dtypes=("bool",)),
    Op("int_rdiv_reciprocal", lambda t, x: (2 / x, 2.5 / x, x.reciprocal(), t.reciprocal(x)),
       dtypes=INT + ("uint8",), low=1, high=7),
    Op("float16_rdiv_reciprocal", lambda t, x: (2 / x, x.reciprocal()), dtypes=("float16",), low=0.5, high=2.0),
    Op("float16_ops", lambda t, x, y: (x + y, x * y, x.exp(), x.sum(), x @ y.t()), TWO, dtypes=("float16",)),
]

COMPARE = [
    Op("compare_tensors", lambda t, x, y: (x == y, x != y, x < y, x <= y, x > y, x >= y), TWO,
       data=([[1.0, 2.0, 3.0]], [[1.0, 3.0, 2.0]])),
    Op("compare_scalar", lambda t, x: (x == 1.0, x != 0, x < 0.5, x <= 1, x > -1, x >= 0.0), data=([[-1.0, 0.0, 1.0]],)),
    Op("compare_named", lambda t, x, y: (x.eq(y), t.ne(x, y), x.lt(y), t.le(x, y), x.gt(y), t.ge(x, y)), BCAST),
    Op("compare_int_float", lambda t, x: (x.long() == x, x.long() < x), low=-3, high=3),
    Op("isnan_isfinite", lambda t, x: (x.isnan(), t.isfinite(x), x.isinf()),
       data=([0.0, math.nan, math.inf, -math.inf, 1.0],)),
    Op("all_any", lambda t, x: ((x > 0).all(), (x > 0).any(), t.all(x > -3), t.any(x > 3)), X3),
    Op("all_any_dim", lambda t, x: ((x > 0).all(1), (x > 0).any(-1, keepdim=True)), X3),
    Op("all_any_float", lambda t, x: (x.all(), x.any()), data=([0.0, 1.0, 2.0],)),
]

TABLE = ARITHMETIC + UNARY + REDUCE + SHAPE + INDEX + LINALG + INPLACE + INTEGER + COMPARE
