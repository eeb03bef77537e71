"""torch's own OpInfo samples for the shape, indexing and matrix-product ops, run through ember
(values, dtypes, gradients in float64 and float32; error inputs' exception types)."""

from __future__ import annotations

import pytest
import torch

import ember

from .opinfo_runner import OPS, check_error, check_sample
from tolerances import EXACT, REDUCTION

SHAPE = [
    "tile", "hstack", "vstack", "dstack", "column_stack", "ravel", "repeat_interleave", "diag", "diagonal",
    "diag_embed", "trace", "flip", "fliplr", "flipud", "rot90", "roll", "unfold", "movedim", "narrow", "unflatten",
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_tensors", "broadcast_to", "cartesian_prod",
    "combinations", "block_diag", "tensor_split", "hsplit", "vsplit", "dsplit", "chunk", "split", "squeeze",
    "masked_select", "masked_scatter", "index_add", "index_fill", "index_copy", "take", "take_along_dim", "put",
    "select_scatter", "slice_scatter", "diagonal_scatter", "where",
]
VARIANTS = [("split", "list_args"), ("squeeze", "multiple"), ("meshgrid", "variadic_tensors"),
            ("meshgrid", "list_of_tensors")]
PRODUCTS = ["addmm", "addmv", "addr", "baddbmm", "addbmm", "mv", "dot", "vdot", "inner", "outer", "tensordot", "kron",
            "cross", "einsum"]
NO_GRAD = ["unique", "unique_consecutive", "searchsorted", "bucketize", "argwhere", "nonzero", "tril_indices",
           "triu_indices"]

# OpInfo wrappers whose arguments come in another order than the function's
ADAPTERS = {
    "where": lambda input, condition, other: ember.where(condition, input, other),
    "einsum": lambda operands, equation: ember.einsum(equation, operands),
}

CASES = (
    [(n, "", EXACT) for n in SHAPE] + [(n, v, EXACT) for n, v in VARIANTS] + [(n, "", REDUCTION) for n in PRODUCTS]
)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
@pytest.mark.parametrize("name,variant,kind", CASES, ids=lambda c: c if isinstance(c, str) else None)
def test_samples_match_torch(name: str, variant: str, kind: str, dtype: torch.dtype) -> None:
    op = OPS[(name, variant)]
    for sample in op.sample_inputs("cpu", dtype, requires_grad=op.supports_autograd):
        check_sample(op, sample, kind, fn=ADAPTERS.get(name))


# index lists are integers only (their float dtype is test_index_lists_refuse_float's)
NO_GRAD_CASES = [(name, dtype) for name in NO_GRAD for dtype in (torch.float64, torch.int64)
                 if not (name.endswith("_indices") and dtype.is_floating_point)]


@pytest.mark.parametrize("name, dtype", NO_GRAD_CASES, ids=[f"{n}-{d}" for n, d in NO_GRAD_CASES])
def test_samples_without_gradient_match_torch(name: str, dtype: torch.dtype) -> None:
    op = OPS[(name, "")]
    for sample in op.sample_inputs("cpu", dtype):
        check_sample(op, sample, EXACT, grad=False)


WITH_ERRORS = [
    (n, v) for n, v in [(n, v) for n, v, _ in CASES] + [(n, "") for n in NO_GRAD] if OPS[(n, v)].error_inputs_func
]


@pytest.mark.parametrize("name,variant", WITH_ERRORS)
def test_error_inputs_raise_torchs_exception(name: str, variant: str) -> None:
    op = OPS[(name, variant)]
    for error in op.error_inputs("cpu"):
        if "out" not in error.sample_input.kwargs:  # ember has no out= arguments
            check_error(op, error, fn=ADAPTERS.get(name))


@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_index_lists_refuse_float(name: str) -> None:
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(3, 3, dtype=torch.float64)
    with pytest.raises(NotImplementedError):
        getattr(ember, name)(3, 3, dtype=ember.float64)
