"""dtypes and torch's promotion rules: every pair of dtypes as n-d tensors, 0-d tensors and Python
scalars, through result_type, promote_types and the operators themselves."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import ember

from .conftest import dtype_name, ember_dtype, torch_dtype

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, 2.5, np.float64(2.5), np.float32(1.5), np.int64(3)]
KINDS = ["tensor", "0-d"]


def _make(lib, name, kind):
    data = [1, 0, 1] if name == "bool" else [1, 2, 3]
    value = data if kind == "tensor" else data[0]
    return lib.tensor(value, dtype=ember_dtype(name) if lib is ember else torch_dtype(name))


def _operand(lib, spec):
    return spec if not isinstance(spec, tuple) else _make(lib, *spec)


OPERANDS = [(n, k) for n in NAMES for k in KINDS]
PAIRS = list(itertools.product(OPERANDS, OPERANDS)) + [(o, s) for o in OPERANDS for s in SCALARS] + [
    (s, o) for o in OPERANDS for s in SCALARS
]


def _id(spec):
    return f"{spec[1]}:{spec[0]}" if isinstance(spec, tuple) else f"scalar:{spec!r}"


@pytest.mark.parametrize("a, b", PAIRS, ids=[f"{_id(a)}-{_id(b)}" for a, b in PAIRS])
def test_result_type_and_operators_match_torch(a, b):
    ea, eb = _operand(ember, a), _operand(ember, b)
    ta, tb = _operand(torch, a), _operand(torch, b)
    assert dtype_name(ember.result_type(ea, eb)) == dtype_name(torch.result_type(ta, tb))
    for name, op in OPS.items():
        if name == "maximum" and not (isinstance(a, tuple) and isinstance(b, tuple)):
            continue
        t_out, e_out = op(torch, ta, tb), op(ember, ea, eb)
        assert dtype_name(e_out.dtype) == dtype_name(t_out.dtype), f"{name}: {e_out.dtype} vs torch {t_out.dtype}"
        assert tuple(e_out.shape) == tuple(t_out.shape), name
        np.testing.assert_array_equal(e_out.numpy(), t_out.numpy(), err_msg=name)  # one rounding of small numbers


OPS = {
    "+": lambda lib, x, y: x + y,
    "*": lambda lib, x, y: x * y,
    "/": lambda lib, x, y: x / y,
    "<": lambda lib, x, y: x < y,
    "maximum": lambda lib, x, y: lib.maximum(x, y),
}


@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch(a, b):
    assert dtype_name(ember.promote_types(ember_dtype(a), ember_dtype(b))) == dtype_name(
        torch.promote_types(torch_dtype(a), torch_dtype(b))
    )
