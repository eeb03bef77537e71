"""`ctc_loss`: Connectionist Temporal Classification, with torch's arguments, checks and
reductions; the recursion and its gradient are `ember.ops.ctc.CtcLoss`."""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from ... import ops
from ..._tensor import Tensor
from ...ops.ctc import CtcLoss
from ...ops.loss import torch_name
from .loss import check_reduction

__all__ = ["ctc_loss"]

Lengths = Union[Tensor, Sequence[int]]
_CHECKED = "(while checking arguments for ctc_loss_allocate_outputs)"


def _lengths(lengths: Lengths, name: str, batch: int) -> np.ndarray:
    """input_lengths / target_lengths as int64 values: a sequence of ints or an integer tensor."""
    if isinstance(lengths, Tensor):
        if lengths._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        values = lengths._data.astype(np.int64).reshape(-1)
    elif isinstance(lengths, (list, tuple)):
        values = np.array([int(v) for v in lengths], dtype=np.int64).reshape(-1)
    else:
        raise TypeError(f"ctc_loss(): {name} must be a tuple of ints or a Tensor, not {type(lengths).__name__}")
    if values.shape[0] != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return values


def _split_targets(targets: Tensor, target_lengths: np.ndarray, batch: int) -> list[np.ndarray]:
    """Each sample's labels: rows of a padded (N, S) tensor, or pieces of a 1-D concatenation."""
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional tensor for argument #2 "
                           f"'targets' {_CHECKED}")
    negative = target_lengths[target_lengths < 0]
    if negative.size:
        raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {negative[0]} {_CHECKED}")
    data = targets._data.astype(np.int64)
    if targets.ndim == 1:
        total = int(target_lengths.sum())
        if data.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {data.shape[0]} for "
                               f"argument #2 'targets' {_CHECKED}")
        return np.split(data, np.cumsum(target_lengths)[:-1])
    if data.shape[0] != batch:
        raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {data.shape[0]} for "
                           f"argument #2 'targets' {_CHECKED}")
    longest = int(target_lengths.max(initial=0))
    if data.shape[1] < longest:
        raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                           f"{data.shape[1]} for argument #2 'targets' {_CHECKED}")
    return [row[:length] for row, length in zip(data, target_lengths)]


def _check_inputs(log_probs: Tensor, blank: int, input_lengths: np.ndarray, labels: list[np.ndarray]) -> None:
    frames, _, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    for value in input_lengths:
        if value < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {value} {_CHECKED}")
        if value > frames:
            raise RuntimeError(f"Expected input_lengths to have value at most {frames}, but got value {value} {_CHECKED}")
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    for target in labels:
        if target.size and (target.min() < 0 or target.max() >= classes):
            raise RuntimeError(f"ctc_loss: target labels must lie in [0, {classes}) (the classes of log_probs), "
                               f"got {int(target.min())}..{int(target.max())}")


def ctc_loss(
    log_probs: Tensor, targets: Tensor, input_lengths: Lengths, target_lengths: Lengths, blank: int = 0,
    reduction: str = "mean", zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss -log p(target | log_probs) per sample (see `ember.ops.ctc`): log_probs (T, N, C)
    (log_softmax outputs) or unbatched (T, C); targets padded (N, S) or concatenated
    (sum(target_lengths),); lengths as int sequences or integer tensors. 'mean' divides each
    loss by its target length (at least 1), then averages over the batch; zero_infinity sets
    infinite losses (impossible alignments) and their gradients to 0.

    >>> F.ctc_loss(ember.randn(8, 2, 5).log_softmax(2), ember.tensor([[1, 2], [3, 3]]), [8, 6], [2, 2]).shape
    ()
    """
    check_reduction(reduction)
    if not log_probs.is_floating_point() or log_probs.dtype.name == "float16":
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{torch_name(log_probs.dtype)}'")
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional tensor for argument "
                           f"#1 'log_probs' {_CHECKED}")
    batch = log_probs.shape[1]
    inputs = _lengths(input_lengths, "input_lengths", batch)
    lengths = _lengths(target_lengths, "target_lengths", batch)
    labels = _split_targets(targets, lengths, batch)
    _check_inputs(log_probs, blank, inputs, labels)
    loss = CtcLoss.apply(log_probs, labels, inputs, lengths, blank, zero_infinity)
    if zero_infinity:
        loss = ops.where(loss == float("inf"), ops.zeros_like(loss), loss)
    if reduction == "mean":
        return (loss / Tensor._make(np.maximum(lengths, 1).astype(loss._data.dtype), False, None)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss if batched else loss.squeeze(0)
