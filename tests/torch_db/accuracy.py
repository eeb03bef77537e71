"""Comparing a float32 result by accuracy instead of digits, for the entries whose float32 kernel
sums in an order torch picks by shape and thread count (scope.FLOAT32_BY_ACCURACY).

The reference is the same computation in torch in float64 (every float32 tensor of the sample
converted). ember's float32 value passes, elementwise, where it is no farther from the reference
than twice torch's own float32 error plus one float32 ulp (ember's float32 is at least as accurate
as torch's), or within the float32 tolerance (rtol 1e-5, atol 1e-6) of the reference, the rtol
measured against the larger of |reference| and the magnitude of the terms summed: the float64
result of the op on the inputs' absolute values (for a convolution exactly sum |x| |w| + |b|; any
summation order's error is bounded by n u times it). Where a sum cancels (a result of 0.02 from
terms of 50), both libraries' float32 errors are noise of the terms' size, and torch's error at
that one element is a draw from it, not a measure of its accuracy. Attention is not a sum of
products of its inputs: its magnitude is the condition of softmax(s) V under the rounding of the
logits s (`_attention_magnitude`). A result off by a relative 1e-4 fails; float64 keeps the exact
contract.
"""

from typing import Any, Callable

import numpy as np
import torch

from torch_db.convert import compare, numpy, tensors_in, tolerance


def in_float64(value: Any, absolute: bool = False) -> Any:
    """`value` with every float32 tensor converted to float64 (and to its absolute values with
    `absolute`), recursively through lists, tuples and dicts; a float32 dtype becomes float64."""
    if isinstance(value, torch.Tensor):
        if value.dtype is not torch.float32:
            return value
        converted = value.detach().double()
        return converted.abs() if absolute else converted
    if value is torch.float32:
        return torch.float64
    if isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
        return type(value)(in_float64(v, absolute) for v in value)
    if isinstance(value, dict):
        return {k: in_float64(v, absolute) for k, v in value.items()}
    return value


def float64_runs(call: Callable, arguments: tuple, name: str = "") -> tuple:
    """(reference, magnitude): `call` on `arguments` (input, args, kwargs) in float64, and the
    magnitude of its terms: `call` on their absolute values, or the OpInfo `name`'s own measure."""
    exact = in_float64(arguments)
    with torch.no_grad():
        reference = call(*exact)
        if name in _MAGNITUDES:
            return reference, _MAGNITUDES[name](reference, exact[0], *exact[1], **exact[2])
        return reference, call(*in_float64(arguments, absolute=True))


def _attention_magnitude(out: torch.Tensor, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                         attn_mask: Any = None, dropout_p: float = 0.0, is_causal: bool = False,
                         scale: Any = None, enable_gqa: bool = False) -> torch.Tensor:
    """The scale of float32 rounding in out = softmax(s) V, s = scale Q K^T (+ mask): with P the
    attention weights, sum_j P_ij (|V_jd| + |V_jd - out_id| scale sum_c |Q_ic K_jc|): the weighted
    sum's own terms, plus what an error of the logits' terms' size moves out by (d out_i / d s_ij =
    P_ij (V_j - out_i)). P comes from torch's attention with the identity as V."""
    if enable_gqa:
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    source = key.shape[-2]
    identity = torch.eye(source, dtype=key.dtype).expand(key.shape[:-2] + (source, source))
    weights = torch.nn.functional.scaled_dot_product_attention(query, key, identity, attn_mask, 0.0, is_causal,
                                                               scale=scale)
    factor = query.shape[-1] ** -0.5 if scale is None else scale
    logit_terms = factor * (query.abs() @ key.abs().transpose(-2, -1))
    spread = (value.unsqueeze(-3) - out.unsqueeze(-2)).abs()  # [..., L, S, Ev]
    return (weights.unsqueeze(-1) * (value.abs().unsqueeze(-3) + spread * logit_terms.unsqueeze(-1))).sum(-2)


_MAGNITUDES = {"nn.functional.scaled_dot_product_attention": _attention_magnitude}


def compare_by_accuracy(expected: Any, actual: Any, reference: Any, magnitude: Any, where: str = "output") -> None:
    """Raise AssertionError naming `where` unless ember's `actual` matches torch's `expected` in
    structure, dtypes and shapes, and each float32 value is as accurate as torch's (against the
    float64 `reference`, the terms' `magnitude`: see the module docstring); other dtypes compare
    as `compare` does."""
    compare(expected, actual, where, values=False)
    found = zip(tensors_in(expected), tensors_in(actual), tensors_in(reference), tensors_in(magnitude))
    for i, (torch32, ours, exact, size) in enumerate(found):
        label = where if len(tensors_in(expected)) == 1 else f"{where} tensor {i}"
        if torch32.dtype is not torch.float32:
            compare(torch32, ours, label)
            continue
        _accurate(numpy(torch32), ours.detach().numpy(), numpy(exact), numpy(size), label)


def _accurate(torch32: np.ndarray, ours: np.ndarray, exact: np.ndarray, size: np.ndarray, where: str) -> None:
    rtol, atol = tolerance("float32")
    error = np.abs(ours.astype(np.float64) - exact)
    torch_error = np.abs(torch32.astype(np.float64) - exact)
    ulp = np.spacing(np.abs(torch32)).astype(np.float64)
    scale = np.fmax(np.abs(exact), np.abs(size))  # fmax: a NaN magnitude (an inf mask made +inf) drops out
    with np.errstate(invalid="ignore"):
        good = ((error <= atol + rtol * scale) | (error <= 2 * torch_error + ulp)
                | (ours == exact) | (np.isnan(ours) & np.isnan(exact)))
    if not good.all():
        index = tuple(int(i) for i in np.argwhere(~good)[0]) if good.ndim else ()
        raise AssertionError(f"{where}: float32 less accurate than torch's at {index}: float64 "
                             f"{exact[index].item()!r}, torch {torch32[index].item()!r}, ember "
                             f"{ours[index].item()!r}")

