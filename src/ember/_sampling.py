"""Drawing category indices from unnormalised probabilities: `multinomial`, as torch's.

For a row of weights w >= 0 (not all 0), a draw picks index i with probability w_i / sum_j w_j.
With replacement the draws of a row are independent; without it, torch's CPU kernel keeps the
num_samples largest keys w_i / E_i with E_i ~ Exp(1), which is drawing one by one without
putting back (and puts zero weights last instead of raising). ember draws from its own generator,
so its samples follow torch's distribution but not torch's stream.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import _dtype, _random, _tensor


def draw_rows(weights: np.ndarray, num_samples: int, replacement: bool, rng: np.random.Generator) -> np.ndarray:
    """Indices (rows, num_samples), int64, drawn from each row of `weights` (rows, categories)
    after torch.multinomial's checks."""
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > weights.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(-1)
    if np.any(totals <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if replacement:
        rows = [rng.choice(w.size, num_samples, p=w / total) for w, total in zip(weights, totals)]
        return np.array(rows, dtype=np.int64).reshape(len(weights), num_samples)
    keys = weights / rng.exponential(size=weights.shape)
    return np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples].astype(np.int64)


def multinomial(
    input: _tensor.Tensor, num_samples: int, replacement: bool = False, *,
    generator: Optional[_random.Generator] = None,
) -> _tensor.Tensor:
    """num_samples indices per row of `input` (1-D: one distribution, 2-D: one per row), each
    index i drawn with probability input_i / sum(input) of its row; a LongTensor of shape
    (num_samples,) or (rows, num_samples).

    >>> ember.multinomial(ember.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    tensor([1, 1])
    """
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.is_floating_point():
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {_dtype.torch_name(input.dtype)}"
        )
    weights = np.asarray(input._data, dtype=np.float64).reshape(-1, input.shape[-1])
    rng = (generator or _random.default_generator).numpy
    drawn = draw_rows(weights, num_samples, replacement, rng)
    return _tensor.Tensor._make(drawn.reshape(*input.shape[:-1], num_samples), False, None)


__all__ = ["multinomial"]
