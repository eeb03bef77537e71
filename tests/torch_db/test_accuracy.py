"""The float32 comparison by accuracy: ember's own conv3d and attention pass on samples whose
digits differ from torch's (another summation order), and a result off by a relative 1e-4, or of
another dtype or shape, fails."""

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember
from torch_db import scope
from torch_db.accuracy import compare_by_accuracy, float64_runs
from torch_db.convert import compare, to_ember

# (OpInfo, float32 sample whose digits differ): conv3d's padding='same' with a 1x2x5 kernel;
# attention of a 3-d query against 4-d keys, not causal.
_CASES = [("nn.functional.conv3d", 8), ("nn.functional.scaled_dot_product_attention", 20)]


def _run(name: str, index: int) -> tuple:
    """torch's float32 result of the sample, ember's, and the float64 runs."""
    op = next(o for o in op_db if o.name == name)
    sample = list(op.sample_inputs("cpu", torch.float32))[index]
    function = name.rsplit(".", 1)[1]
    call = lambda x, args, kwargs: getattr(torch.nn.functional, function)(x, *args, **kwargs)
    actual = getattr(ember.nn.functional, function)(*to_ember((sample.input,) + tuple(sample.args)),
                                                     **to_ember(sample.kwargs))
    arguments = (sample.input, sample.args, sample.kwargs)
    return call(*arguments), actual, float64_runs(call, arguments, name)


@pytest.mark.parametrize(("name", "index"), _CASES)
def test_ember_passes_by_accuracy_where_its_digits_differ(name: str, index: int) -> None:
    assert name in scope.FLOAT32_BY_ACCURACY
    expected, actual, runs = _run(name, index)
    with pytest.raises(AssertionError, match="values differ"):
        compare(expected, actual)
    compare_by_accuracy(expected, actual, *runs)


@pytest.mark.parametrize(("name", "index"), _CASES)
def test_a_result_off_by_a_relative_1e_4_fails(name: str, index: int) -> None:
    expected, actual, runs = _run(name, index)
    with pytest.raises(AssertionError, match="less accurate than torch's"):
        compare_by_accuracy(expected, actual * (1 + 1e-4), *runs)


def test_a_wrong_dtype_or_shape_fails() -> None:
    expected, actual, runs = _run(*_CASES[0])
    with pytest.raises(AssertionError, match="dtype"):
        compare_by_accuracy(expected, actual.double(), *runs)
    with pytest.raises(AssertionError, match="shape"):
        compare_by_accuracy(expected, actual[..., 1:], *runs)


def test_attention_magnitude_is_the_weighted_sum_of_absolute_values_when_logits_are_exact() -> None:
    """With a zero query every logit is 0 (exactly representable): the magnitude is mean_j |V_j|."""
    query, key = torch.zeros(1, 2, 4, dtype=torch.float64), torch.randn(1, 3, 4, dtype=torch.float64)
    value = torch.randn(1, 3, 5, dtype=torch.float64)
    out, magnitude = float64_runs(lambda q, args, kwargs: torch.nn.functional.scaled_dot_product_attention(
        q, *args, **kwargs), (query, (key, value), {}), "nn.functional.scaled_dot_product_attention")
    torch.testing.assert_close(magnitude, value.abs().mean(-2, keepdim=True).expand(1, 2, 5))
