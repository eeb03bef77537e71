"""ember: a deep-learning library on NumPy that reads like micrograd and works like PyTorch.

    import ember                 # the PyTorch-shaped tensor API
    from ember import Value      # the micrograd-shaped scalar engine
"""

import warnings as _warnings

# torch returns inf and nan (log(0), exp overflow, 0/0) without a word; NumPy warns. Silence
# NumPy's floating-point warnings where ember's own modules compute, and nowhere else.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.")

from ._malloc import tune as _tune_malloc

_tune_malloc()

from ._dtype import (
    bool_ as bool, dtype, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
    promote_types, result_type, set_default_dtype, uint8, uint64,
)
from ._random import Generator, default_generator, initial_seed, manual_seed, seed
from ._sampling import multinomial
from ._device import device, get_default_device, set_default_device
from ._size import Size
from ._tensor import BoolTensor, ByteTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor, Tensor
from ._creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, normal, ones,
    ones_like, rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from .ops import (
    abs, add, all, allclose, amax, amin, any, argmax, argmin, argsort, bitwise_and, bitwise_not,
    bitwise_or, bitwise_xor, bmm, broadcast_to, cat, ceil, chunk, clamp,
    clone, cos, cumprod, cumsum, div, dot, einsum, eq, erf, exp, expm1, flatten, flip, floor, floor_divide,
    gather, ge, gt, index_put, index_select, isfinite, isinf, isnan, le, log, log1p, log2, log10, log_softmax,
    logical_and, logical_not, logical_or, logical_xor, logsumexp, lt, masked_fill, matmul, max,
    maximum, mean, min, minimum, mm, movedim, mul, mv, narrow, ne, neg, nonzero, norm, outer, permute, pow, prod,
    reciprocal, relu, remainder, repeat, reshape, roll, round, rsqrt, scatter, scatter_add, scatter_reduce, select, sigmoid,
    sign, sin, softmax, sort, split, sqrt, squeeze, stack, std, rsub, sub, sum, t, tan, tanh, topk,
    transpose, tril, triu, trunc, unbind, unflatten, unsqueeze, var, where,
)
from .ops.diagonal import diag, diag_embed, diagonal, diagonal_scatter, trace
from .ops.index_update import index_add, index_copy, index_fill, select_scatter, slice_scatter
from .ops.masked import argwhere, masked_scatter, masked_select, put, take, take_along_dim
from .ops.matmul_add import (
    addbmm, addmm, addmv, addr, baddbmm, chain_matmul, cross, ger, inner, kron, tensordot, vdot,
)
from .ops.stacking import (
    atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_tensors, cartesian_prod, column_stack, combinations,
    dsplit, dstack, hsplit, hstack, meshgrid, row_stack, tensor_split, tril_indices, triu_indices, vsplit, vstack,
)
from .ops.tile_repeat import fliplr, flipud, ravel, repeat_interleave, rot90, swapaxes, tile
from .ops.unique import bucketize, searchsorted, unique, unique_consecutive
from .ops.view_copy import (
    alias_copy, diagonal_copy, expand_copy, split_with_sizes_copy, squeeze_copy, t_copy, transpose_copy, unbind_copy,
    unfold_copy, unsqueeze_copy,
)
from .ops.view_copy import narrow_copy, permute_copy, view_copy
from .ops.splitting import split_with_sizes, unsafe_chunk, unsafe_split
from .ops.real_complex import angle, conj, conj_physical, conj_physical_, resolve_conj, resolve_neg
from .ops.real_complex import real
from .ops.dist import dist
from .ops.incomplete_gamma import igamma, igammac
from .ops.broadcast_shape import broadcast_shapes
from .ops.diagonal import diagflat
from .ops.random_fill import bernoulli
from .ops.storage_inplace import resize_as_, zero_
from .ops.hash import hash_tensor
from ._creation_layout import empty_permuted, empty_strided, randint_like, scalar_tensor
from .ops.padding import constant_pad_nd
from .ops.selection import isin, kthvalue, msort, nonzero_static, unravel_index
from .ops.selection import install_tensor_methods as _install_selection_methods
from .ops.index_reduce import index_reduce
from .ops.index_reduce import install_tensor_methods as _install_index_reduce_methods
from .ops import (
    acos, acosh, addcdiv, addcmul, aminmax, asin, asinh, atan, atan2, atanh, bincount, bitwise_left_shift,
    bitwise_right_shift, clamp_max, clamp_min, copysign, cosh, count_nonzero, cummax, cummin, deg2rad, diff, digamma,
    erfc, erfinv, exp2, float_power, fmod, frac, frexp, gcd, heaviside, histc, hypot, i0, isclose, isneginf, isposinf,
    isreal, lcm, ldexp, lerp, lgamma, logaddexp, logaddexp2, logcumsumexp, logit, median, mode, mvlgamma, nan_to_num,
    nanmean, nanmedian, nanquantile, nansum, nextafter, polygamma, positive, quantile, rad2deg, sgn, signbit, sinc,
    sinh, square, std_mean, var_mean, xlogy,
)
from ._tensor_args import (
    bitwise_left_shift, bitwise_right_shift, copysign, eq, fmax, fmin, fmod, gcd, ge, gt, lcm, ldexp, le, logaddexp,
    logical_and, logical_or, logical_xor, lt, max, maximum, min, minimum, ne, nextafter, remainder, rsub, xlogy,
)
from .ops.fill_equal import equal, fill
from ._finfo import finfo, iinfo
from ._printoptions import set_printoptions
from . import accelerator, autograd, backends, cuda, nn, optim, special
from . import signal
from ._logspace import logspace
from .ops.integration import cumulative_trapezoid, trapezoid, trapz
from .ops.finite_differences import gradient
from .ops.histogram import histogram, histogramdd
from .autograd.grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from .scalar import Value
from .serialization import load, save
from . import linalg
from . import masked
from .linalg._aliases import cholesky, det, inverse, logdet, matrix_exp, matrix_power, pinverse, qr, slogdet, svd
from .linalg._aliases import install_tensor_methods as _install_linalg_methods

_install_linalg_methods(Tensor)
from ._tensor_binops import install as _install_binop_methods

_install_binop_methods(Tensor)
_install_selection_methods(Tensor)
_install_index_reduce_methods(Tensor)
from .linalg._top_level import *  # noqa: F401,F403  (torch.lu, torch.cov, ...)
from .linalg._top_level import install_tensor_methods as _install_top_level_methods

_install_top_level_methods(Tensor)

__version__ = "0.1.0"

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
clip = clamp
moveaxis = movedim
swapdims = swapaxes
concat = concatenate = cat
multiply, divide, subtract, negative = mul, div, sub, neg
true_divide = div
absolute = abs
arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = asin, acos, atan, asinh, acosh, atanh, atan2
fix = trunc


def __getattr__(name: str) -> object:
    """`ember.hub` on first use: downloading pulls in urllib.request, which `import ember` does without."""
    if name == "hub":
        import importlib

        return importlib.import_module(".hub", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_tensor(obj: object) -> "bool":
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> "bool":
    return input.is_floating_point()


def numel(input: Tensor) -> "int":
    return input.numel()


from ._out import can_cast, install as _install_out  # noqa: E402  (after every function and alias)

_install_out(globals(), vars(special))
