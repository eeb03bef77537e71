"""The float32 comparison by accuracy: ember's own conv3d passes on the sample whose digits differ
from torch's (another summation order), and a result off by a relative 1e-4 fails."""

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember
from torch_db import scope
from torch_db.accuracy import compare_by_accuracy, float64_runs
from torch_db.convert import compare, to_ember

_NAME = "nn.functional.conv3d"


def _sample() -> tuple:
    """conv3d's float32 sample 8 (padding='same', a 1x2x5 kernel): torch's, and ember's, result."""
    op = next(o for o in op_db if o.name == _NAME)
    sample = list(op.sample_inputs("cpu", torch.float32))[8]
    arguments = (sample.input, sample.args, sample.kwargs)
    call = lambda x, args, kwargs: torch.nn.functional.conv3d(x, *args, **kwargs)
    actual = ember.nn.functional.conv3d(*to_ember((sample.input,) + tuple(sample.args)), **to_ember(sample.kwargs))
    return call(*arguments), actual, float64_runs(call, arguments)


def test_conv3d_is_compared_by_accuracy() -> None:
    assert _NAME in scope.FLOAT32_BY_ACCURACY


def test_ember_conv3d_passes_by_accuracy_where_its_digits_differ() -> None:
    expected, actual, runs = _sample()
    with pytest.raises(AssertionError, match="values differ"):
        compare(expected, actual)
    compare_by_accuracy(expected, actual, *runs)


def test_a_result_off_by_a_relative_1e_4_fails() -> None:
    expected, actual, runs = _sample()
    with pytest.raises(AssertionError, match="less accurate than torch's"):
        compare_by_accuracy(expected, actual * (1 + 1e-4), *runs)


def test_a_wrong_dtype_or_shape_fails() -> None:
    expected, actual, runs = _sample()
    with pytest.raises(AssertionError, match="dtype"):
        compare_by_accuracy(expected, actual.double(), *runs)
    with pytest.raises(AssertionError, match="shape"):
        compare_by_accuracy(expected, actual[..., 1:], *runs)
