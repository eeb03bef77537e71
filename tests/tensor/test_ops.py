"""Every row of the op table, in float64 and float32 (and the row's other dtypes): the same seeded
inputs into ember and torch; forward shape, dtype, values and the gradient of a weighted sum must agree."""

from __future__ import annotations

import zlib

import pytest

from .conftest import TOLERANCES, compare_with_torch, make_arrays
from .op_table import TABLE

CASES = [pytest.param(op, dtype, id=f"{op.name}-{dtype}") for op in TABLE for dtype in op.dtypes]


@pytest.mark.parametrize("op, dtype", CASES)
def test_op_matches_torch(op, dtype):
    arrays = op.arrays_for(dtype) or make_arrays(op.shapes, dtype, op.input_ranges(), zlib.crc32(op.name.encode()))
    # integer rows compare integer outputs exactly; their float outputs are float32
    tolerance = TOLERANCES[op.tol]
    rtol, atol = tolerance.get(dtype, tolerance["float32"])
    compare_with_torch(op.fn, op.torch_call(), arrays, rtol, atol, grad=op.grad)


def test_table_names_are_unique():
    names = [op.name for op in TABLE]
    assert len(names) == len(set(names))
