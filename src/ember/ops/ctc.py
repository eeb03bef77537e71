"""CTC loss (Graves et al. 2006): the negative log-likelihood of a target label sequence
summed over every alignment of it to the input frames, by the forward-backward recursion in
log space, vectorised over the batch (a loop over the frames t only).

With the extended target l' = (blank, l_1, blank, l_2, ..., l_L, blank) of length 2L + 1 and
log-probabilities y[t, c]:

    alpha[0, 0] = y[0, blank],  alpha[0, 1] = y[0, l_1]
    alpha[t, s] = logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if l'_s != l'_(s-2))
                  + y[t, l'_s]
    nll = -logsumexp(alpha[T-1, 2L], alpha[T-1, 2L-1])            (T = the sample's input length)

and beta the same recursion run backwards from T - 1 (beta includes y[t, l'_s] too). The
gradient is torch's, which is the gradient with respect to the logits x of y = log_softmax(x):

    d nll / d y[t, c] := exp(y[t, c]) - exp(logsumexp_{s: l'_s = c}(alpha[t, s] + beta[t, s]) + nll - y[t, c])

(0 for t >= T). The true derivative with respect to y drops the exp(y[t, c]) term; torch's
form adds, per frame, the multiple of softmax that log_softmax's backward removes again, so both
give the same gradient of the logits. Each logsumexp is computed as torch's CPU kernel does
(max-shifted, -inf maxima taken as 0), in the input's dtype. Torch defines no second
derivative: differentiating the gradient raises, as in torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from .delayed_error import DelayedError

_NO_DOUBLE_BACKWARD = "derivative for aten::_ctc_loss_backward is not implemented"


def _logsumexp3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """log(e^a + e^b + e^c), shifted by the maximum (by 0 where every term is -inf)."""
    top = np.maximum(np.maximum(a, b), c)
    top[top == -np.inf] = 0
    with np.errstate(under="ignore", divide="ignore"):
        return np.log(np.exp(a - top) + np.exp(b - top) + np.exp(c - top)) + top


def _shift(x: np.ndarray, by: int) -> np.ndarray:
    """x moved `by` places along the last axis (positive: towards higher s), -inf filled."""
    out = np.full_like(x, -np.inf)
    if by > 0:
        out[:, by:] = x[:, :-by]
    else:
        out[:, :by] = x[:, -by:]
    return out


def _extended(targets: list[np.ndarray], blank: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """l' per sample, padded to `width` = 2 max(L) + 1 with blanks; the states s <= 2L of each
    sample; and where the skip from s - 2 is allowed (l'_s != l'_(s-2))."""
    labels = np.full((len(targets), width), blank, np.intp)
    for n, target in enumerate(targets):
        labels[n, 1:2 * len(target):2] = target
    valid = np.arange(width) <= 2 * np.array([len(t) for t in targets])[:, None]
    skip = np.zeros_like(valid)
    skip[:, 2:] = labels[:, 2:] != labels[:, :-2]
    return labels, valid, skip


class CtcLoss(Function):
    """nll per sample of log_probs y (T, N, C) against targets, by the alpha recursion of the
    module docstring; the alphas are kept for backward, the betas made there. torch's gradient:
    d nll / d y[t, c] = exp(y[t, c]) - exp(logsumexp_{s: l'_s = c}(alpha[t, s] + beta[t, s]) + nll - y[t, c])
    for t below the input length (0 after it), which is the gradient of the logits under
    y = log_softmax(x); no second derivative (differentiating it raises, as torch's)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        frames, batch, _ = log_probs.shape
        width = 2 * max(target_lengths, default=0) + 1
        labels, valid, skip = _extended(targets, blank, width)
        rows = np.arange(batch)[:, None]
        alpha = np.full((frames, batch, width), -np.inf, log_probs.dtype)
        if frames:
            alpha[0, :, 0] = log_probs[0, :, blank]
            first = target_lengths > 0
            if first.any():
                alpha[0, first, 1] = log_probs[0, first, labels[first, 1]]
        for t in range(1, frames):
            prev = alpha[t - 1]
            step = _logsumexp3(prev, _shift(prev, 1), np.where(skip, _shift(prev, 2), -np.inf))
            alpha[t] = np.where(valid, step + log_probs[t, rows, labels], -np.inf)
        last = np.maximum(input_lengths - 1, 0)
        end = alpha[last, np.arange(batch), 2 * target_lengths]
        before = np.where(target_lengths > 0, alpha[last, np.arange(batch), np.maximum(2 * target_lengths - 1, 0)], -np.inf)
        top = np.maximum(end, before)
        top[top == -np.inf] = 0
        with np.errstate(under="ignore", divide="ignore"):
            nll = -(np.log(np.exp(end - top) + np.exp(before - top)) + top)
        nll = np.where(input_lengths == 0, np.where(target_lengths == 0, 0, np.inf), nll).astype(log_probs.dtype)
        ctx.save_for_backward(log_probs)
        ctx.alpha, ctx.nll, ctx.labels, ctx.valid, ctx.skip = alpha, nll, labels, valid, skip
        ctx.input_lengths, ctx.zero_infinity = input_lengths, zero_infinity
        return nll

    @staticmethod
    def backward(ctx, grad):
        (log_probs,) = ctx.saved_tensors
        # torch defines no derivative of this gradient, in log_probs or in grad: a node that
        # raises when differentiated, with log_probs and grad as its inputs (so that a derivative
        # in either reaches it), stands for the whole dependence
        dx = _gradient(ctx, log_probs._data) * grad._data.reshape(1, -1, 1)
        value = DelayedError.apply(_NO_DOUBLE_BACKWARD, Tensor._make(dx, False, None), log_probs, grad)[0]
        return value, None, None, None, None, None

    @staticmethod
    def backward_arrays(ctx, grad):
        (log_probs,) = ctx.saved_tensors
        return _gradient(ctx, log_probs) * grad.reshape(1, -1, 1), None, None, None, None, None


def _gradient(ctx: Any, log_probs: np.ndarray) -> np.ndarray:
    """torch's d nll / d log_probs for a unit incoming gradient (see the module docstring)."""
    frames = log_probs.shape[0]
    beta = _beta(log_probs, ctx.labels, ctx.valid, ctx.skip, ctx.input_lengths)
    collected = _collect(ctx.alpha + beta, ctx.labels, log_probs.shape[2])
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.exp(log_probs) - np.exp(collected + ctx.nll[:, None] - log_probs)
    out[np.arange(frames)[:, None] >= ctx.input_lengths] = 0
    if ctx.zero_infinity:
        out[:, ctx.nll == np.inf] = 0
    return out


def _beta(log_probs: np.ndarray, labels: np.ndarray, valid: np.ndarray, skip: np.ndarray,
          lengths: np.ndarray) -> np.ndarray:
    """beta (T, N, 2 max(L) + 1): each sample starts at its last frame T - 1 from its two final
    states, then runs the recursion backwards; -inf elsewhere."""
    frames, batch = log_probs.shape[:2]
    rows, states = np.arange(batch)[:, None], np.arange(labels.shape[1])
    ends = (valid.sum(1) - 1)[:, None]  # 2L: the last state of each sample
    final = (states == ends) | ((states == ends - 1) & (ends > 0))
    skip_back = np.zeros_like(skip)  # the skip from s + 2: allowed where l'_(s+2) != l'_s
    skip_back[:, :-2] = skip[:, 2:]
    beta = np.full((frames, batch, labels.shape[1]), -np.inf, log_probs.dtype)
    for t in range(frames - 1, -1, -1):
        emitted = log_probs[t, rows, labels]
        if t + 1 < frames:
            after = beta[t + 1]
            step = _logsumexp3(after, _shift(after, -1), np.where(skip_back, _shift(after, -2), -np.inf))
            beta[t] = np.where(valid & (t < lengths - 1)[:, None], step + emitted, -np.inf)
        beta[t] = np.where(final & (lengths - 1 == t)[:, None], emitted, beta[t])
    return beta


def _collect(both: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """logsumexp over the states s of each class c = l'_s of alpha + beta, (T, N, C), -inf where
    no state has the class. Accumulated as torch's kernel does, one state at a time from the
    last, log(e^(acc - m) + e^(x - m)) + m with m the larger: the float32 gradient follows its
    rounding."""
    frames, batch, width = both.shape
    collected = np.full((frames, batch, classes), -np.inf, both.dtype)
    rows = np.arange(batch)
    for s in range(width - 1, -1, -1):
        current, term = collected[:, rows, labels[:, s]], both[:, :, s]
        top = np.maximum(current, term)
        with np.errstate(invalid="ignore", under="ignore"):
            merged = np.log(np.exp(current - top) + np.exp(term - top)) + top
        collected[:, rows, labels[:, s]] = np.where(current == -np.inf, term, np.where(term == -np.inf, current, merged))
    return collected
