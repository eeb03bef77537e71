"""Every Function's fast path agrees with its reference rule.

The contract (see `ember.autograd.function`): `backward` is the reference rule on Tensors, and
an op may add `backward_arrays`, the fast path on NumPy arrays that a plain `backward()` runs.
This test walks every Function subclass in ember and, on random float64 inputs, takes the
gradients the array way (create_graph=False: every node's `backward_arrays`, or its `backward`
on wrapped arrays) and the Tensor way (create_graph=True: every node's `backward`), and holds
them equal at rtol 1e-12.

SAMPLES has an entry per Function: a program that builds a graph holding a node of that class
from leaves made by `t`. A new Function fails `test_every_function_has_a_sample` until it gets
one. An op whose backward only runs in a double backward (an adjoint) is reached through
`autograd.grad(..., create_graph=True)` inside its program.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import zlib
from typing import Any, Callable

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import autograd
from ember.autograd.function import Function
from ember.nn.functional.rnn import gru_cell, lstm_cell
from ember.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from ember.ops.rnn import FusedLSTMLayer

RTOL = 1e-12


def _hooked_linear(x: ember.Tensor) -> ember.Tensor:
    """A module call with full backward hooks: its inputs and outputs pass through identity nodes."""
    layer = ember.nn.Linear(3, 2).double()
    layer.register_full_backward_pre_hook(lambda m, grad_output: None)
    layer.register_full_backward_hook(lambda m, grad_input, grad_output: None)
    return layer(x)


def _bce_input_gradient(x: ember.Tensor, target: ember.Tensor) -> ember.Tensor:
    """The input gradient of binary cross-entropy as a differentiable graph (its own node)."""
    loss = F.binary_cross_entropy(x, target, weight=ember.tensor(np.full(4, 0.5)))
    return autograd.grad(loss, x, create_graph=True)[0]


class Leaves:
    """Makes the random float64 leaves (requires_grad) of one program, and remembers them."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.made: list[ember.Tensor] = []

    def __call__(self, *shape: int, low: float = -2.0, high: float = 2.0) -> ember.Tensor:
        return self.leaf(self.rng.uniform(low, high, shape))

    def pos(self, *shape: int) -> ember.Tensor:
        """Values in [0.5, 2]: inputs of log, sqrt, a divisor."""
        return self(*shape, low=0.5, high=2.0)

    def unit(self, *shape: int) -> ember.Tensor:
        """Values in [0.1, 0.9]: probabilities."""
        return self(*shape, low=0.1, high=0.9)

    def leaf(self, values: Any) -> ember.Tensor:
        x = ember.tensor(np.asarray(values, np.float64), requires_grad=True)
        self.made.append(x)
        return x

    def mask(self, *shape: int) -> ember.Tensor:
        return ember.tensor(self.rng.random(shape) > 0.5)


def _vjp(out: ember.Tensor, wrt: ember.Tensor, t: Leaves) -> ember.Tensor:
    """d<out, u>/d wrt for a new leaf u, with a graph: a program that reaches an op's backward
    nodes (an adjoint, a backward that is itself an op)."""
    (g,) = autograd.grad(out, wrt, t(*out.shape), create_graph=True)
    return g


def _spd(x: ember.Tensor) -> ember.Tensor:
    """A symmetric positive-definite matrix from x: x x^T + 3 I."""
    return x @ x.mT + 3 * ember.eye(x.shape[-1], dtype=x.dtype)


def _second(out_of: Callable[[ember.Tensor], ember.Tensor], x: ember.Tensor, t: Leaves) -> ember.Tensor:
    """The backward of the backward of `out_of` at x: the adjoint's own adjoint."""
    u = t(*out_of(x).shape)
    (g,) = autograd.grad(out_of(x), x, u, create_graph=True)
    (gg,) = autograd.grad(g, u, t(*g.shape), create_graph=True)
    return gg


_IDX = [[0, 1], [2, 3], [3, 0]]  # distinct per row: scatter is well defined
_TARGET = [1, 0, 3, 3, 2]
_WEIGHT = ember.tensor(np.array([1.0, 2.0, 0.5, 1.5]))

SAMPLES: dict[str, Callable[[Leaves], Any]] = {
    # arithmetic
    "Add": lambda t: t(3, 4) + t(4),
    "AddScaled": lambda t: ember.add(t(3, 4), t(4), alpha=2.5),
    "Sub": lambda t: t(3, 4) - t(4),
    "SubScaled": lambda t: ember.sub(t(3, 4), t(4), alpha=2.5),
    "Rsub": lambda t: ember.rsub(t(3, 4), t(4)),
    "RsubScalar": lambda t: 2.0 - t(3, 4),
    "Mul": lambda t: (t(3, 4) * t(4), t(3, 4) * 0.5),
    "Div": lambda t: (t(3, 4) / t.pos(4), t(3, 4) / 3.0),
    "Neg": lambda t: -t(3, 4),
    "Pow": lambda t: t.pos(3, 4) ** 2.5,
    "PowTensor": lambda t: t.pos(3, 4) ** t(4),
    "PowScalarBase": lambda t: 2.0 ** t(3, 4),
    "Remainder": lambda t: ember.remainder(t(3, 4), t.pos(4)),
    # diagonals and windows (ops/diagonal.py, ops/tile_repeat.py)
    "Diagonal": lambda t: ember.diagonal(t(3, 4, 5), 1, 0, 2),
    "DiagonalScatter": lambda t: ember.diagonal_scatter(t(3, 4), t(3), 0, 0, 1),
    "Unfold": lambda t: t(3, 7).unfold(1, 3, 2),
    "UnfoldBackward": lambda t: _vjp((x := t(3, 7)).unfold(1, 3, 2), x, t),
    # compare
    "Clamp": lambda t: t(3, 4).clamp(-1.0, 1.0),
    "ClampTensor": lambda t: ember.clamp(t(3, 4), t(4) * 0.2 - 1, t(4) * 0.2 + 1),
    "Maximum": lambda t: ember.maximum(t(3, 4), t(4)),
    "Minimum": lambda t: ember.minimum(t(3, 4), t(4)),
    "DivFloor": lambda t: ember.div(t(3, 4), t.pos(4), rounding_mode="floor") * t(3, 4),
    "DivTrunc": lambda t: ember.div(t(3, 4), t.pos(4), rounding_mode="trunc") * t(3, 4),
    "FrexpMantissa": lambda t: ember.frexp(t(3, 4)).mantissa,
    "Nextafter": lambda t: ember.nextafter(t(3, 4), t(4)),
    "Fmax": lambda t: ember.fmax(t(3, 4), t(4)),
    "Fmin": lambda t: ember.fmin(t(3, 4), t(4)),
    "Where": lambda t: ember.where(t.mask(3, 4), t(3, 4), t(4)),
    # linalg
    "Bmm": lambda t: ember.bmm(t(2, 3, 4), t(2, 4, 5)),
    "Dot": lambda t: ember.dot(t(4), t(4)),
    "Einsum": lambda t: ember.einsum("ij,jk->ik", t(3, 4), t(4, 2)),
    "MatMul": lambda t: t(3, 4) @ t(4, 2),
    "Det": lambda t: ember.linalg.det(t(2, 3, 3)),
    "Slogdet": lambda t: ember.linalg.slogdet(t(2, 3, 3)).logabsdet,
    "Inv": lambda t: ember.linalg.inv(t(2, 3, 3)),
    "Solve": lambda t: ember.linalg.solve(t(2, 3, 3), t(3, 2)),
    "Cholesky": lambda t: ember.linalg.cholesky(_spd(t(2, 3, 3))),
    "QR": lambda t: (ember.linalg.qr(t(4, 3)), ember.linalg.qr(t(2, 4))),
    "Eigh": lambda t: ember.linalg.eigh(t(3, 3)),
    "SVD": lambda t: (ember.linalg.svd(t(4, 3), full_matrices=False), ember.linalg.svd(t(2, 3, 4))),
    "MatrixExp": lambda t: ember.linalg.matrix_exp(t(2, 3, 3)),
    "Pinv": lambda t: ember.linalg.pinv(t(4, 3)),
    "Lstsq": lambda t: ember.linalg.lstsq(t(4, 3), t(4, 2)).solution,
    "SolveTriangular": lambda t: ember.linalg.solve_triangular(t(2, 3, 3) + 4 * ember.eye(3), t(3, 2), upper=True),
    "LUFactor": lambda t: (ember.linalg.lu_factor(t(2, 3, 3)).LU, ember.linalg.lu(t(3, 4)), ember.linalg.lu(t(4, 2))),
    "LpDistance": lambda t: [ember.cdist(t(2, 3, 4), t(5, 4), p=p) for p in (0.5, 1.0, 2.0, 3.0, float("inf"))],
    "EuclideanDist": lambda t: ember.cdist(t(3, 4), t(5, 4), compute_mode="use_mm_for_euclid_dist"),
    "_PdistNamed": lambda t: F.pdist(t(4, 3)),
    "CholeskySolve": lambda t: ember.cholesky_solve(t(2, 3, 2), ember.linalg.cholesky(_spd(t(3, 3)))),
    "Mv": lambda t: ember.mv(t(3, 4), t(4)),
    # conv
    "Convolution": lambda t: F.conv2d(t(2, 3, 5, 5), t(4, 3, 3, 3), t(4), padding=1),
    "ConvTranspose": lambda t: F.conv_transpose2d(t(2, 4, 4, 4), t(4, 3, 3, 3), t(3), stride=2),
    "ConvWeight": lambda t: _vjp(F.conv2d(t(2, 3, 5, 5), t(4, 3, 3, 3), padding=1), t.made[-1], t),
    # cumulative
    "Cumsum": lambda t: ember.cumsum(t(3, 4), 1),
    "Cumprod": lambda t: (ember.cumprod(t(3, 4), 1), ember.cumprod(t.leaf([[1.0, 0.0, 2.0, 3.0], [0.5, 2.0, 0.0, 0.0]]), 1)),
    # index
    "Gather": lambda t: ember.gather(t(3, 4), 1, ember.tensor(_IDX)),
    "Index": lambda t: t(3, 4)[ember.tensor([0, 2, 2])],
    "IndexAdd": lambda t: _vjp(t(3, 4)[ember.tensor([0, 2, 2])], t.made[-1], t),
    "IndexPut": lambda t: t(3, 4).index_put((ember.tensor([0, 2]), ember.tensor([1, 3])), t(2)),
    "IndexPutAccumulate": lambda t: t(3, 4).index_put((ember.tensor([0, 0]), ember.tensor([1, 1])), t(2), accumulate=True),
    "IndexSelect": lambda t: ember.index_select(t(3, 4), 1, ember.tensor([0, 2, 2])),
    "MaskedFill": lambda t: t(3, 4).masked_fill(t.mask(3, 4), 0.5),
    "MaskedFillTensor": lambda t: t(3, 4).masked_fill(t.mask(3, 4), t()),
    "Scatter": lambda t: ember.scatter(t(3, 4), 1, ember.tensor(_IDX), t(3, 2)),
    "ScatterAdd": lambda t: ember.scatter_add(t(3, 4), 1, ember.tensor(_IDX), t(3, 2)),
    "ScatterValue": lambda t: ember.scatter(t(3, 4), 1, ember.tensor(_IDX), 0.5),
    "ScatterReduce": lambda t: tuple(
        t(3, 4).scatter_reduce(1, ember.tensor([[0, 0], [2, 3], [3, 3]]), t(3, 2), reduce, include_self=include_self)
        for reduce in ("sum", "prod", "mean", "amax", "amin") for include_self in (True, False)
    ),
    "Select": lambda t: t(3, 4)[1],
    "Slice": lambda t: t(3, 4)[:, 1:3],
    "Sort": lambda t: ember.sort(t(3, 4), 1).values,
    # padding
    "ConstantPad": lambda t: F.pad(t(2, 3, 4), (1, 2), value=0.5),
    "ReflectionPad1D": lambda t: F.pad(t(2, 3, 5), (2, 1), mode="reflect"),
    "ReflectionPad2D": lambda t: F.pad(t(1, 2, 4, 5), (1, 2, 2, 1), mode="reflect"),
    "ReflectionPad3D": lambda t: F.pad(t(1, 1, 3, 4, 5), (1, 1, 1, 2, 2, 1), mode="reflect"),
    "ReplicationPad1D": lambda t: F.pad(t(2, 3, 5), (2, 1), mode="replicate"),
    "ReplicationPad2D": lambda t: F.pad(t(1, 2, 4, 5), (1, 2, 2, 1), mode="replicate"),
    "ReplicationPad3D": lambda t: F.pad(t(1, 1, 3, 4, 5), (1, 1, 1, 2, 2, 1), mode="replicate"),
    "CircularPad": lambda t: F.pad(t(1, 2, 4, 5), (1, 2, 2, 1), mode="circular"),
    "PadScatter": lambda t: _vjp(F.pad(t(2, 3, 5), (2, 1), mode="reflect"), t.made[-1], t),
    "PadGather": lambda t: _second(lambda x: F.pad(x, (2, 1), mode="reflect"), t(2, 3, 5), t),
    # pool
    "MaxPool2DWithIndices": lambda t: F.max_pool2d(t(2, 3, 6, 6), 2),
    "MaxPoolAdjoint": lambda t: _vjp(F.max_pool2d(t(2, 3, 6, 6), 2), t.made[-1], t),
    "MaxPoolTake": lambda t: _second(lambda x: F.max_pool2d(x, 2), t(2, 3, 6, 6), t),
    "AvgPool2D": lambda t: F.avg_pool2d(t(2, 3, 6, 6), 2),
    "AvgPoolAdjoint": lambda t: _vjp(F.avg_pool2d(t(2, 3, 6, 6), 2), t.made[-1], t),
    "AdaptiveMaxPool2D": lambda t: F.adaptive_max_pool2d(t(2, 3, 7, 7), 3),
    "PlaceAt": lambda t: _vjp(F.adaptive_max_pool2d(t(2, 3, 7, 7), 3), t.made[-1], t),
    "TakeAt": lambda t: _second(lambda x: F.adaptive_max_pool2d(x, 3), t(2, 3, 7, 7), t),
    "AdaptiveAvgPool2D": lambda t: F.adaptive_avg_pool2d(t(2, 3, 7, 7), 3),
    "UpsampleNearest3D": lambda t: F.interpolate(t(1, 2, 3, 2, 3), scale_factor=1.7),
    "UpsampleNearestExact1D": lambda t: F.interpolate(t(1, 2, 5), size=8, mode="nearest-exact"),
    "UpsampleNearestExact2D": lambda t: F.interpolate(t(1, 2, 3, 4), size=(5, 3), mode="nearest-exact"),
    "UpsampleNearestExact3D": lambda t: F.interpolate(t(1, 2, 3, 2, 3), scale_factor=1.7, mode="nearest-exact"),
    "UpsampleTrilinear3D": lambda t: F.interpolate(t(1, 2, 3, 2, 3), scale_factor=1.7, mode="trilinear"),
    "UpsampleBicubic2D": lambda t: F.interpolate(t(1, 2, 3, 4), size=(5, 7), mode="bicubic"),
    "UpsampleBicubic2DAa": lambda t: F.interpolate(t(1, 2, 7, 6), size=(3, 9), mode="bicubic", antialias=True),
    "UpsampleBilinear2DAa": lambda t: F.interpolate(t(1, 2, 7, 6), size=(4, 2), mode="bilinear", antialias=True),
    "Im2Col": lambda t: F.unfold(t(2, 3, 5, 6), (2, 3), padding=1, stride=2),
    "Col2Im": lambda t: F.fold(t(2, 6, 12), (4, 5), (1, 2), stride=(1, 2), padding=(0, 1)),
    "MaxUnpool": lambda t: F.max_unpool2d(*F.max_pool2d(t(2, 3, 6, 6), 3, 1, 1, return_indices=True), 3, 1, 1),
    # reduce
    "Amax": lambda t: ember.amax(t(3, 4), 1),
    "Amin": lambda t: ember.amin(t(3, 4), 1),
    "MaxAll": lambda t: t(3, 4).max(),
    "MinAll": lambda t: t(3, 4).min(),
    "MaxDim": lambda t: t(3, 4).max(1).values,
    "MinDim": lambda t: t(3, 4).min(1).values,
    "LogSoftmax": lambda t: ember.log_softmax(t(3, 4), 1),
    "Softmax": lambda t: ember.softmax(t(3, 4), 1),
    "LogSumExp": lambda t: ember.logsumexp(t(3, 4), 1),
    "Mean": lambda t: t(3, 4).mean(),
    "MeanDim": lambda t: t(3, 4).mean(1),
    "Norm": lambda t: (ember.norm(t(3, 4), 2, 1), ember.norm(t(3, 4), 3.0)),
    "Prod": lambda t: (t(3, 4).prod(), t.leaf([[1.0, 0.0], [2.0, 3.0]]).prod()),
    "ProdDim": lambda t: (t(3, 4).prod(1), t.leaf([[1.0, 0.0, 2.0], [2.0, 3.0, 0.5]]).prod(1)),
    "Std": lambda t: t(3, 4).std(1),
    "Var": lambda t: t(3, 4).var(1),
    "Sum": lambda t: t(3, 4).sum(),
    "SumDim": lambda t: t(3, 4).sum(1),
    # resample
    "UpsampleNearest1D": lambda t: F.interpolate(t(1, 2, 5), scale_factor=2),
    "UpsampleLinear1D": lambda t: F.interpolate(t(1, 2, 5), scale_factor=2, mode="linear"),
    "UpsampleNearest2D": lambda t: F.interpolate(t(1, 2, 3, 4), scale_factor=2),
    "UpsampleBilinear2D": lambda t: F.interpolate(t(1, 2, 3, 4), scale_factor=2, mode="bilinear"),
    "ResampleAdjoint": lambda t: _vjp(F.interpolate(t(1, 2, 3, 4), scale_factor=2, mode="bilinear"), t.made[-1], t),
    "Resample": lambda t: _second(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear"), t(1, 2, 3, 4), t),
    # shape
    "Cast": lambda t: t(3, 4).to(ember.float32) * 3,
    "Cat": lambda t: ember.cat([t(2, 3), t(1, 3)], 0),
    "Clone": lambda t: t(3, 4).clone(),
    "Expand": lambda t: t(3, 1).expand(3, 4),
    "Flip": lambda t: ember.flip(t(3, 4), (1,)),
    "Permute": lambda t: t(2, 3, 4).permute(2, 0, 1),
    "Repeat": lambda t: t(2, 3).repeat(2, 2),
    "Reshape": lambda t: t(3, 4).reshape(4, 3),
    "Roll": lambda t: ember.roll(t(3, 4), 1, 1),
    "Split": lambda t: ember.split(t(5, 3), 2, 0),
    "SplitWithSizes": lambda t: ember.split(t(5, 3), [2, 3], 0),
    "Squeeze": lambda t: t(3, 1, 4).squeeze(),
    "SqueezeDim": lambda t: t(3, 1, 4).squeeze(1),
    "Stack": lambda t: ember.stack([t(3), t(3)]),
    "T": lambda t: t(3, 4).t(),
    "Transpose": lambda t: t(3, 4).transpose(0, 1),
    "Tril": lambda t: ember.tril(t(4, 4)),
    "Triu": lambda t: ember.triu(t(4, 4)),
    "Unbind": lambda t: ember.unbind(t(3, 4), 0),
    "Unsqueeze": lambda t: t(3, 4).unsqueeze(1),
    "CopySlices": lambda t: _copy_slices(t),
    # unary
    "Abs": lambda t: t(3, 4).abs(),
    "Ceil": lambda t: t(3, 4).ceil(),
    "Cos": lambda t: t(3, 4).cos(),
    "Erf": lambda t: t(3, 4).erf(),
    "Exp": lambda t: t(3, 4).exp(),
    "Expm1": lambda t: t(3, 4).expm1(),
    "Floor": lambda t: t(3, 4).floor(),
    "Log": lambda t: t.pos(3, 4).log(),
    "Log1p": lambda t: t.pos(3, 4).log1p(),
    "Reciprocal": lambda t: t.pos(3, 4).reciprocal(),
    "Relu": lambda t: t(3, 4).relu(),
    "Round": lambda t: t(3, 4).round(),
    "Rsqrt": lambda t: t.pos(3, 4).rsqrt(),
    "Sigmoid": lambda t: t(3, 4).sigmoid(),
    "Sign": lambda t: t(3, 4).sign(),
    "Sin": lambda t: t(3, 4).sin(),
    "Softplus": lambda t: F.softplus(t(3, 4)),
    "Sqrt": lambda t: t.pos(3, 4).sqrt(),
    "Tan": lambda t: t(3, 4, low=-1.0, high=1.0).tan(),
    "Tanh": lambda t: t(3, 4).tanh(),
    "Trunc": lambda t: t(3, 4).trunc(),
    "ThresholdBackward": lambda t: _vjp(t(3, 4).relu(), t.made[-1], t),
    # activations
    "Elu": lambda t: F.elu(t(3, 4)),
    "Gelu": lambda t: (F.gelu(t(3, 4)), F.gelu(t(3, 4), approximate="tanh")),
    "NormalCdf": lambda t: _vjp(F.gelu(t(3, 4)), t.made[-1], t),
    "Hardtanh": lambda t: F.hardtanh(t(3, 4)),
    "LeakyRelu": lambda t: F.leaky_relu(t(3, 4), 0.1),
    "Mish": lambda t: F.mish(t(3, 4)),
    "Silu": lambda t: F.silu(t(3, 4)),
    "Hardswish": lambda t: F.hardswish(t(3, 4, low=-4.0, high=4.0)),
    "BackwardHookFunction": lambda t: _hooked_linear(t(2, 3)),
    "Hardsigmoid": lambda t: F.hardsigmoid(t(3, 4, low=-4.0, high=4.0)),
    "LogSigmoid": lambda t: F.logsigmoid(t(3, 4)),
    # losses, distances
    "BinaryCrossEntropy": lambda t: F.binary_cross_entropy(t.unit(3, 4), t.unit(3, 4), weight=ember.tensor(np.full(4, 0.5))),
    "BinaryCrossEntropyGrad": lambda t: _bce_input_gradient(t.unit(3, 4), t.unit(3, 4)),
    "BinaryCrossEntropyWithLogits": lambda t: F.binary_cross_entropy_with_logits(t(3, 4), t.unit(3, 4), pos_weight=ember.tensor(np.full(4, 1.5))),
    "CrossEntropy": lambda t: (
        F.cross_entropy(t(5, 4), ember.tensor(_TARGET)),
        F.cross_entropy(t(5, 4), ember.tensor(_TARGET), weight=_WEIGHT, label_smoothing=0.2),
        F.cross_entropy(t(5, 4), ember.tensor(_TARGET), ignore_index=3, reduction="none"),
    ),
    "NllLoss": lambda t: (
        F.nll_loss(t(5, 4), ember.tensor(_TARGET), weight=_WEIGHT),
        F.nll_loss(t(5, 4), ember.tensor(_TARGET), reduction="none"),
    ),
    "XLogX": lambda t: F.kl_div(t(3, 4), t.unit(3, 4), reduction="batchmean"),
    "MseLoss": lambda t: (F.mse_loss(t(3, 4), t(3, 4)), F.mse_loss(t(3, 4), t(3, 4), reduction="none")),
    "SmoothL1Loss": lambda t: (F.smooth_l1_loss(t(3, 4), t(3, 4), beta=0.7), F.smooth_l1_loss(t(3, 4), t(3, 4), reduction="sum")),
    "HuberLoss": lambda t: (F.huber_loss(t(3, 4), t(3, 4), delta=0.6), F.huber_loss(t(3, 4), t(3, 4), reduction="none")),
    "CtcLoss": lambda t: F.ctc_loss(t(6, 2, 4).log_softmax(2), ember.tensor([[1, 2, 2], [3, 0, 0]]), [6, 5], [3, 1], reduction="none"),
    "ClampedNorm": lambda t: F.cosine_similarity(t(3, 4), t(3, 4)),
    # layers
    "LinearAddmm": lambda t: (F.linear(t(3, 4), t(5, 4), t(5)), F.linear(t(2, 3, 4), t(5, 4), t(5))),
    "LinearMm": lambda t: F.linear(t(3, 4), t(5, 4)),
    "WeightT": lambda t: F.linear(t(3, 4), t(5, 4), t(5)),
    "UnsafeView": lambda t: F.linear(t(2, 3, 4), t(5, 4)),
    "SqueezeLast": lambda t: F.linear(t(4), t(5, 4)),
    "NativeBatchNorm": lambda t: F.batch_norm(t(4, 3, 5), None, None, t(3), t(3), training=True),
    "NativeLayerNorm": lambda t: (F.layer_norm(t(3, 4, 5), (5,), t(5), t(5)), F.layer_norm(t(3, 4) + 5.0, (4,))),
    "NativeGroupNorm": lambda t: F.group_norm(t(2, 4, 3), 2, t(4), t(4)),
    "FusedLSTMCell": lambda t: lstm_cell(t(3, 4), (t(3, 5), t(3, 5)), t(20, 4), t(20, 5), t(20), t(20)),
    "FusedLSTMLayer": lambda t: (
        FusedLSTMLayer.apply(t(4, 3, 20), t(3, 5), t(3, 5), t(20, 5), False),
        FusedLSTMLayer.apply(t(4, 3, 20), t(3, 5), t(3, 5), t(20, 5), True),
    ),
    "FusedGRUCell": lambda t: gru_cell(t(3, 4), t(3, 5), t(15, 4), t(15, 5), t(15), t(15)),
    "Embedding": lambda t: F.embedding(ember.tensor([[0, 2], [5, 2]]), t(6, 3)),
    "EmbeddingDenseBackward": lambda t: _vjp(F.embedding(ember.tensor([[0, 2], [5, 2]]), t(6, 3)), t.made[-1], t),
    "PadSequence": lambda t: pad_sequence([t(3, 2), t(2, 2)]),
    "PackPadded": lambda t: pack_padded_sequence(t(3, 2, 4), [3, 2]).data,
    "PadPacked": lambda t: pad_packed_sequence(pack_padded_sequence(t(3, 2, 4), [3, 2]))[0],
    # trigonometric, pointwise, special functions, order statistics
    "Asin": lambda t: t.unit(3, 4).asin(),
    "Acos": lambda t: t.unit(3, 4).acos(),
    "Atan": lambda t: t(3, 4).atan(),
    "Sinh": lambda t: t(3, 4).sinh(),
    "Cosh": lambda t: t(3, 4).cosh(),
    "Asinh": lambda t: t(3, 4).asinh(),
    "Acosh": lambda t: (t.pos(3, 4) + 1).acosh(),
    "Atanh": lambda t: t.unit(3, 4).atanh(),
    "Atan2": lambda t: ember.atan2(t(3, 4), t(4)),
    "Hypot": lambda t: ember.hypot(t(3, 4), t(4)),
    "Copysign": lambda t: ember.copysign(t(3, 4), t(4)),
    "Fmod": lambda t: ember.fmod(t(3, 4), t.pos(4)),
    "Xlogy": lambda t: ember.xlogy(t(3, 4), t.pos(4)),
    "LogAddExp": lambda t: ember.logaddexp(t(3, 4), t(4)),
    "LogAddExp2": lambda t: ember.logaddexp2(t(3, 4), t(4)),
    "Logit": lambda t: (ember.logit(t.unit(3, 4)), ember.logit(t.unit(3, 4), eps=0.2)),
    "Sinc": lambda t: ember.sinc(t(3, 4)),
    "Lerp": lambda t: (ember.lerp(t(3, 4), t(4), t.unit(3, 1)), ember.lerp(t(3, 4), t(4), 0.7)),
    "NanToNum": lambda t: ember.nan_to_num(t(3, 4) / 0.0),
    "Lgamma": lambda t: ember.lgamma(t(3, 4)),
    "Digamma": lambda t: ember.digamma(t(3, 4)),
    "Igamma": lambda t: ember.igamma(t.pos(3, 4).detach(), t.pos(3, 4)),
    "Igammac": lambda t: ember.igammac(t.pos(4).detach(), t.pos(3, 4)),
    "Polygamma": lambda t: ember.polygamma(2, t.pos(3, 4)),
    "Erfc": lambda t: ember.erfc(t(3, 4)),
    "Erfinv": lambda t: ember.erfinv(t.unit(3, 4)),
    "Erfcx": lambda t: ember.special.erfcx(t(3, 4) * 2),
    "I0": lambda t: ember.i0(t(3, 4)),
    "I0e": lambda t: ember.special.i0e(t(3, 4)),
    "I1": lambda t: ember.special.i1(t(3, 4)),
    "I1e": lambda t: ember.special.i1e(t(3, 4)),
    "EvenlyDistributed": lambda t: ember.median(t(3, 4)),
    "LogCumSumExp": lambda t: ember.logcumsumexp(t(3, 4), 1),
    # view copies, splits, real-valued complex functions, random draws, zero_ (ops/view_copy.py,
    # ops/splitting.py, ops/real_complex.py, ops/random_fill.py, ops/storage_inplace.py)
    "ExpandCopy": lambda t: ember.expand_copy(t(3, 1), (2, 3, 4)),
    "DiagonalCopy": lambda t: ember.diagonal_copy(t(3, 4, 5), 1, 0, 2),
    "AliasCopy": lambda t: ember.alias_copy(t(3, 4)),
    "SqueezeCopy": lambda t: ember.squeeze_copy(t(3, 1, 4)),
    "SqueezeDimCopy": lambda t: ember.squeeze_copy(t(3, 1, 4), 1),
    "SqueezeDimsCopy": lambda t: ember.squeeze_copy(t(1, 3, 1), (0, 2)),
    "UnsqueezeCopy": lambda t: ember.unsqueeze_copy(t(3, 4), 1),
    "TransposeCopy": lambda t: ember.transpose_copy(t(3, 4, 2), 0, 2),
    "TCopy": lambda t: ember.t_copy(t(3, 4)),
    "ViewCopy": lambda t: ember.view_copy(t(3, 4), (2, 6)),
    "PermuteCopy": lambda t: ember.permute_copy(t(2, 3, 4), (2, 0, 1)),
    "NarrowCopy": lambda t: ember.narrow_copy(t(4, 5), 1, 1, 3),
    "UnfoldCopy": lambda t: (ember.unfold_copy(t(3, 7), 1, 3, 2), ember.unfold_copy(t(), 0, 1, 1)),
    "UnbindCopy": lambda t: ember.unbind_copy(t(3, 4), 1)[1:],
    "SplitWithSizesCopy": lambda t: ember.split_with_sizes_copy(t(5, 4), [2, 3])[0],
    "UnsafeSplit": lambda t: ember.unsafe_split(t(5, 4), 2, 1)[1],
    "Angle": lambda t: ember.angle(t(3, 4)),
    "ConjPhysical": lambda t: (t(3, 4) * 1.0).conj_physical_(),
    "Bernoulli": lambda t: ember.bernoulli(t.unit(3, 4)),
    "Zero": lambda t: (t(3, 4) * 1.0).zero_(),
    "SqueezeDims": lambda t: t(1, 3, 1).squeeze((0, 2)),
    "TInplace": lambda t: (t(3, 4) * 1.0).t_(),
    "TransposeInplace": lambda t: (t(3, 4, 2) * 1.0).transpose_(0, 2),
    "SqueezeInplace": lambda t: (t(3, 1, 4) * 1.0).squeeze_(),
    "SqueezeDimInplace": lambda t: (t(3, 1, 4) * 1.0).squeeze_(1),
    "SqueezeDimsInplace": lambda t: (t(1, 3, 1) * 1.0).squeeze_((0, 2)),
    "UnsqueezeInplace": lambda t: (t(3, 4) * 1.0).unsqueeze_(1),
    "IndexAddDim": lambda t: ember.index_add(t(3, 4), 0, ember.tensor([2, 0, 2]), t(3, 4), alpha=1.5),
    "IndexCopyDim": lambda t: ember.index_copy(t(3, 4), 1, ember.tensor([3, 0]), t(3, 2)),
    "IndexFillDim": lambda t: ember.index_fill(t(3, 4), 1, ember.tensor([3, 0]), 2.5),
    "IndexFillDimTensor": lambda t: ember.index_fill(t(3, 4), 0, ember.tensor([1, 1]), t().sum()),
    "MaskedScatter": lambda t: ember.masked_scatter(t(3, 1), t.mask(3, 4), t(5, 3)),
}

# Functions whose backward never runs, each with the reason.
NO_BACKWARD: dict[str, str] = {
    **{name: "a comparison: bool output, no graph" for name in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge")},
    "FloorDivide": "torch defines no derivative: its backward raises",
    "ScatterWithReduce": "torch defines no derivative: its backward raises",
    "DelayedError": "once_differentiable's guard: its backward raises (tests/autograd/test_function_protocol.py)",
    # bases: only their subclasses are applied, each with its sample
    "_Compare": "base of the comparisons",
    "_DivRounded": "base of div's floor and trunc rounding modes",
    "_NanIgnoringPick": "base of fmax, fmin",
    "_Flat": "base of sign, floor, ceil, round, trunc",
    "_Pointwise": "base of the inverse trigonometric and hyperbolic functions",
    "_Special": "base of the gamma, error-function and Bessel functions",
    "_Normalize": "base of the three norms",
    "Extremum": "base of amax, amin, max(), min()",
    "ExtremumDim": "base of max(dim), min(dim)",
    "Tri": "base of tril, triu",
    "ReflectionPad": "base of the 1-, 2- and 3-d reflection pads",
    "ReplicationPad": "base of the 1-, 2- and 3-d replication pads",
    "WidthFirstResample": "base of bicubic and the antialiased resamplers",
    "_Antialias": "base of the antialiased bilinear and bicubic resamplers",
}


def _copy_slices(t: Leaves) -> ember.Tensor:
    y = t(3, 4) * 1.0
    y[1].mul_(t(4))
    return y


def _ember_functions() -> dict[str, type]:
    found: dict[str, type] = {}
    stack = list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("ember."):
            assert found.setdefault(cls.__name__, cls) is cls, f"two Functions named {cls.__name__}"
    return found


FUNCTIONS = _ember_functions()


def test_every_function_has_a_sample() -> None:
    missing = sorted(set(FUNCTIONS) - set(SAMPLES) - set(NO_BACKWARD))
    assert not missing, f"add a program to SAMPLES in {__file__} for: {', '.join(missing)}"
    unknown = sorted((set(SAMPLES) | set(NO_BACKWARD)) - set(FUNCTIONS))
    assert not unknown, f"entries for Functions that do not exist: {unknown}"


def _nodes(outputs: list[ember.Tensor]) -> set[type]:
    """The Function classes of every node in the graph of `outputs`."""
    seen, kinds = set(), set()
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen or node is None:
            continue
        seen.add(id(node))
        kinds.add(getattr(node, "_forward_cls", None))
        stack.extend(n for n, _ in node.next_functions)
    return kinds


def _flat(out: Any) -> list[ember.Tensor]:
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out] if out.requires_grad else []


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_array_rule_matches_reference_rule(name: str) -> None:
    leaves = Leaves(zlib.crc32(name.encode()))
    outputs = _flat(SAMPLES[name](leaves))
    assert FUNCTIONS[name] in _nodes(outputs), f"the sample of {name} records no {name} node"
    seeds = [ember.tensor(leaves.rng.uniform(-1, 1, o.shape).astype(o.detach().numpy().dtype)) for o in outputs]
    fast = autograd.grad(outputs, leaves.made, seeds, allow_unused=True, retain_graph=True)
    reference = autograd.grad(outputs, leaves.made, seeds, create_graph=True, allow_unused=True)
    assert any(g is not None for g in fast)
    for x, a, r in zip(leaves.made, fast, reference):
        assert (a is None) == (r is None)
        if a is not None:
            want = r.detach().numpy()
            # rtol 1e-12, and zero is matched to 1e-12 of the gradient's scale
            scale = float(np.abs(want).max()) if want.size else 0.0
            np.testing.assert_allclose(a.numpy(), want, rtol=RTOL, atol=RTOL * scale)
            assert a.shape == x.shape


class _Square(Function):
    """x^2 with both rules, each noting on ctx which ran and the form of what it was handed."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        ctx.seen = ("backward", type(grad).__name__, type(x).__name__)
        return 2 * x * grad

    @staticmethod
    def backward_arrays(ctx, grad):
        (x,) = ctx.saved_tensors
        ctx.seen = ("backward_arrays", type(grad).__name__, type(x).__name__)
        return 2 * x * grad


@pytest.mark.parametrize("create_graph", [False, True])
def test_engine_hands_each_rule_its_own_form(create_graph: bool) -> None:
    """...and what a rule keeps on its ctx lands on the node, whichever form ran."""
    x = ember.tensor([1.0, -2.0], requires_grad=True)
    y = _Square.apply(x)
    (g,) = autograd.grad(y.sum(), x, create_graph=create_graph, retain_graph=True)
    expected = ("backward", "Tensor", "Tensor") if create_graph else ("backward_arrays", "ndarray", "ndarray")
    assert y.grad_fn.seen == expected
    assert g.tolist() == [2.0, -4.0]
    # the node itself is never switched: what anyone reads from it stays Tensors
    assert [type(t).__name__ for t in y.grad_fn.saved_tensors] == ["Tensor"]


def test_a_subclass_that_overrides_backward_must_say_how_it_runs_on_arrays() -> None:
    with pytest.raises(TypeError, match="backward_arrays"):
        class _Cube(_Square):
            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 3 * x * x * grad


def test_every_function_lives_in_ops() -> None:
    elsewhere = sorted(f"{cls.__module__}.{name}" for name, cls in FUNCTIONS.items() if not cls.__module__.startswith("ember.ops."))
    assert not elsewhere, f"move these Functions into ember/ops (nn.functional composes them): {elsewhere}"


def _rule_tests(cls: type) -> list[str]:
    """Calls in cls's own rules that ask what kind of gradient came in (isinstance or type of a
    gradient argument, is_tensor) or whether a graph is being recorded (is_grad_enabled)."""
    found = []
    for name in ("backward", "backward_arrays"):
        rule = cls.__dict__.get(name)
        if rule is None:
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(rule.__func__)))
        grads = {a.arg for a in tree.body[0].args.args[1:]} | {tree.body[0].args.vararg.arg if tree.body[0].args.vararg else ""}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            on_grad = bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id in grads
            if node.func.id in ("is_tensor", "is_grad_enabled") or (node.func.id in ("isinstance", "type") and on_grad):
                found.append(f"{cls.__name__}.{name}: {ast.unparse(node)}")
    return found


def test_no_rule_asks_what_kind_of_gradient_it_got() -> None:
    """The engine picks the rule and hands it its form (see ember.autograd.function): a rule that
    branches on its gradient's type or on grad mode is two rules in one; write backward and
    backward_arrays instead."""
    found = [line for cls in FUNCTIONS.values() for line in _rule_tests(cls)]
    assert not found, found
