"""Loss functions, as `torch.nn.functional` spells them, with torch's `reduction` semantics:
'none' keeps one loss per element (or sample), 'mean' averages, 'sum' adds.

Regression losses and the KL divergence are composed from primitive ops (so they can be
differentiated twice). The classification losses over class indices (`nll_loss`,
`cross_entropy`) and the binary cross-entropies are fused nodes: one pass each way, and
cross-entropy never forms softmax(x) before taking its log, so logits of +-1000 are fine.
The fused nodes live in `ember/ops/loss.py`; this file checks arguments as torch does and
dispatches.
"""

from __future__ import annotations

import math
import warnings
from typing import Optional

import numpy as np

from ... import _dtype, ops
from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled
from ...ops._util import broadcast_error
from ...ops.regression_loss import HuberLoss, MseLoss, SmoothL1Loss
from ...ops.loss import (
    BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy, NllLoss, XLogX, check_class_target, torch_name,
)

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss", "kl_div",
    "l1_loss", "mse_loss", "nll_loss", "one_hot", "smooth_l1_loss",
]


def legacy_reduction(size_average: Optional[bool], reduce: Optional[bool], reduction: str) -> str:
    """torch's deprecated `size_average`/`reduce` pair, mapped to a `reduction` string (with
    torch's warning); `reduction` itself when both are None."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.", stacklevel=3)
    return result


def check_reduction(reduction: str) -> None:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def reduce_loss(loss: Tensor, reduction: str) -> Tensor:
    """The elementwise loss, averaged ('mean'), added ('sum') or kept ('none')."""
    check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _broadcast(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """torch's regression losses warn about a target of another shape, then broadcast."""
    if target._data.shape == input._data.shape:
        return input, target
    warnings.warn(
        f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
        "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
        stacklevel=3,
    )
    shape = broadcast_shape(input, target)
    return input.expand(shape), target.expand(shape)


def broadcast_shape(a: Tensor, b: Tensor) -> tuple[int, ...]:
    """The shape a and b broadcast to, or torch's error naming both shapes."""
    try:
        return np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None


def _float_operands(name: str, input: Tensor, target: Tensor, dtype: Optional[_dtype.dtype] = None) -> tuple[Tensor, Tensor]:
    """input and target in one floating dtype (their promoted one unless `dtype` is given), or
    torch's error naming the kernel when it is an integer type."""
    dtype = dtype or _dtype.result_type(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{name}" not implemented for \'{torch_name(dtype)}\'; convert with .float()')
    return input.to(dtype), target.to(dtype)


def _weighted(loss: Tensor, weight: Optional[Tensor], input: Tensor, reduction: str, mean_by_weight: bool) -> Tensor:
    """torch 2.13's elementwise `weight` of mse/l1/huber: 'mean' divides by sum(weight) (mse,
    l1) or by the element count (huber)."""
    if weight is None:
        return reduce_loss(loss, reduction)
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return reduce_loss(loss, reduction)


def mse_loss(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean", weight: Optional[Tensor] = None,
) -> Tensor:
    """(x - y)^2 per element;  d/dx = 2 (x - y),  d/dy = -2 (x - y). One MseLossBackward0 node, as
    torch records it (with a weight: (x - y)^2 * w, composed as torch composes it)."""
    input, target = _broadcast(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    input, target = _float_operands("mse_cpu", input, target)
    if weight is not None:
        return _weighted((input - target).pow(2), weight, input, reduction, True)
    check_reduction(reduction)
    return MseLoss.apply(input, target, reduction)


def l1_loss(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean", weight: Optional[Tensor] = None,
) -> Tensor:
    """|x - y| per element;  d/dx = sign(x - y) (0 where x = y),  d/dy = -sign(x - y)."""
    input, target = _broadcast(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _weighted((input - target).abs(), weight, input, reduction, True)


def smooth_l1_loss(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean", beta: float = 1.0,
) -> Tensor:
    """With z = |x - y|: 0.5 z^2 / beta where z < beta, else z - 0.5 beta (l1_loss when beta = 0);
    d/dx = (x - y) / beta where z < beta, else sign(x - y). One SmoothL1LossBackward0 node."""
    input, target = _broadcast(input, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return reduce_loss((input - target).abs(), reduction)
    input, target = _float_operands("smooth_l1_cpu", input, target)
    check_reduction(reduction)
    return SmoothL1Loss.apply(input, target, reduction, float(beta))


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Optional[Tensor] = None,
) -> Tensor:
    """With z = |x - y|: 0.5 z^2 where z < delta, else delta (z - 0.5 delta), i.e. delta times
    smooth_l1 with beta = delta;  d/dx = x - y where z < delta, else delta sign(x - y). One
    HuberLossBackward0 node; torch computes it in the input's dtype when that is a float one."""
    input, target = _broadcast(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    input, target = _float_operands("huber_cpu", input, target, input.dtype if input.is_floating_point() else None)
    if weight is not None:
        return _weighted(HuberLoss.apply(input, target, "none", float(delta)), weight, input, reduction, False)
    check_reduction(reduction)
    return HuberLoss.apply(input, target, reduction, float(delta))


def _no_grad_weight(weight: Optional[Tensor], function: str, argument: str = "weight") -> None:
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"The function '{function}' is not differentiable with respect to argument '{argument}'. "
            "This input cannot have requires_grad True. Pass weight.detach()."
        )


def _class_loss(fn: type, input: Tensor, target: Tensor, weight: Optional[Tensor], ignore_index: int,
                reduction: str, *extra: float, log_softmax: bool = False) -> Tensor:
    """Run a fused class-index loss on (N, C, d1...) layout, on log_softmax(input) over the class
    dim when asked (cross-entropy as torch records it: NllLoss over LogSoftmax); a 1-D input (C,)
    with a 0-d target is a batch of one, squeezed back afterwards."""
    check_reduction(reduction)
    check_class_target(input, target, weight, ignore_index)
    _no_grad_weight(weight, "nll_loss_forward")
    if log_softmax:
        input = ops.log_softmax(input, 0 if input.ndim == 1 else 1)
    if input.ndim > 1:
        return fn.apply(input, target, weight, ignore_index, reduction, *extra)
    out = fn.apply(input.unsqueeze(0), target.unsqueeze(0), weight, ignore_index, reduction, *extra)
    return out.squeeze(0) if reduction == "none" else out


def nll_loss(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
    ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices: l_n = -w[t_n] x[n, t_n], 0 where t_n = ignore_index;
    'mean' divides by sum_n w[t_n] over the samples not ignored.  d l_n / d x[n, c] = -w[t_n] [c = t_n]."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if input.ndim and not input.is_floating_point():
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for '{torch_name(input.dtype)}'")
    return _class_loss(NllLoss, input, target, weight, ignore_index, reduction)


def cross_entropy(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
    ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean", label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits `input` (C), (N, C) or (N, C, d1, ...) against class indices (one
    dtype int64 index per sample) or class probabilities (a float tensor shaped like input).

    With log p = log_softmax(x) over the class dim and smoothing eps:
        indices:       l_n = (1 - eps) w[t_n] (-log p[n, t_n]) + (eps / C) sum_c w_c (-log p[n, c])
                       'mean' divides by sum_n w[t_n] (samples with t_n = ignore_index left out)
        probabilities: l_n = -sum_c w_c q[n, c] log p[n, c], q = (1 - eps) t + eps / C;
                       'mean' divides by the number of samples
    d l_n / d x[n, :] = softmax(x_n) sum_c q_nc - q_n, q the weighted (smoothed) target.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input._data.shape == target._data.shape:
        return _cross_entropy_probabilities(input, target, weight, ignore_index, reduction, label_smoothing)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{torch_name(input.dtype)}'")
    if label_smoothing:
        return _class_loss(CrossEntropy, input, target, weight, ignore_index, reduction, float(label_smoothing))
    return _class_loss(NllLoss, input, target, weight, ignore_index, reduction, log_softmax=True)


def _cross_entropy_probabilities(input: Tensor, target: Tensor, weight: Optional[Tensor], ignore_index: int,
                                 reduction: str, smoothing: float) -> Tensor:
    """Composed from the fused log_softmax: target and weight receive gradients, as in torch."""
    if not target.is_floating_point():
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got {torch_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    check_reduction(reduction)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input._data.shape[class_dim]
    if smoothing > 0:
        target = target * (1 - smoothing) + smoothing / n_classes
    weighted = ops.log_softmax(input, class_dim) * target
    if weight is not None:
        weighted = weighted * weight.reshape([-1 if d == class_dim else 1 for d in range(input.ndim)])
    if reduction != "none":  # torch's order: the total, negated, then divided
        total = -weighted.sum()
        if reduction == "sum":
            return total
        samples = input.numel() // n_classes if n_classes else 0
        return total / samples if samples else total * math.nan
    return -weighted.sum(class_dim)


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean",
) -> Tensor:
    """-w (t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1], logs clamped at -100;
    d/dx = w (x - t) / max(x (1 - x), 1e-12),  d/dt = w (log(1 - x) - log x)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
            "is deprecated. Please ensure they have the same size."
        )
    _no_grad_weight(weight, "binary_cross_entropy")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {torch_name(target.dtype)} but expected {torch_name(input.dtype)}")
    x, t = input._data, target._data
    if x.size and not ((x >= 0) & (x <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if t.size and not ((t >= 0) & (t <= 1)).all():
        raise RuntimeError("all elements of target should be between 0 and 1")
    if weight is not None:
        weight = weight.to(input.dtype)
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
    reduce: Optional[bool] = None, reduction: str = "mean", pos_weight: Optional[Tensor] = None,
) -> Tensor:
    """binary_cross_entropy(sigmoid(x), t) computed stably from the logits x, with pos_weight p
    weighting the positive term: w ((1 - t) x + (1 + (p - 1) t) log(1 + e^-x));
    d/dx = w ((1 - t) - (1 + (p - 1) t) sigmoid(-x)), which is w (sigmoid(x) - t) when p = 1."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({list(target.shape)}) must be the same as input size ({list(input.shape)})")
    _no_grad_weight(weight, "binary_cross_entropy_with_logits")
    _no_grad_weight(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
    result = _dtype.result_type(input, target)
    if not target.is_floating_point():
        raise RuntimeError(
            f"result type {torch_name(result)} can't be cast to the desired output type {torch_name(target.dtype)}; "
            "targets are probabilities: pass target.float()"
        )
    input, target = input.to(result), target.to(result)
    weight = None if weight is None else weight.to(result)
    pos_weight = None if pos_weight is None else pos_weight.to(result)
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


def kl_div(
    input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
    reduction: str = "mean", log_target: bool = False,
) -> Tensor:
    """KL(target || exp(input)) per element, input being log-probabilities:
    t (log t - x) (0 where t = 0), or e^t (t - x) when log_target;  d/dx = -t (or -e^t),
    d/dt = log t + 1 - x (or e^t (t - x + 1)). 'batchmean' divides the sum by the batch size."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    if reduction != "batchmean":
        check_reduction(reduction)
    if not (input.is_floating_point() and target.is_floating_point()):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    loss = target.exp() * (target - input) if log_target else XLogX.apply(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return reduce_loss(loss, reduction)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each index; num_classes=-1
    means max(tensor) + 1."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if data.size and data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (data[..., None] == np.arange(max(num_classes, 0))).astype(np.int64)
    return Tensor._make(out, False, None)
