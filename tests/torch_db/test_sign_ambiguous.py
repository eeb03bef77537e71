"""Outputs defined up to sign compare through the OpInfo's `output_process_fn_grad`: other signs
of the singular vectors or eigenvectors pass, a wrong value does not; other ops compare raw."""

import pytest
import torch
from torch.testing._internal.common_methods_invocations import op_db

from torch_db.convert import compare, to_ember
from torch_db.ops import _well_defined_part

_SIGNS = torch.tensor([-1.0, 1.0, -1.0], dtype=torch.float64)


def _samples(name: str) -> list:
    op = next(o for o in op_db if o.name == name and not o.variant_test_name)
    return [s for s in op.sample_inputs("cpu", torch.float64) if s.input.shape == (3, 3)]


@pytest.mark.parametrize("name", ["linalg.svd", "svd"])
def test_singular_vectors_of_other_signs_pass_and_a_wrong_value_fails(name: str) -> None:
    for sample in _samples(name):
        process = _well_defined_part(name, sample)
        U, S, V = (torch.svd if name == "svd" else torch.linalg.svd)(sample.input, **sample.kwargs)
        last = -1 if name == "linalg.svd" else -2  # Vh's rows, or V's columns, go with U's columns
        flipped = (U * _SIGNS, S, V * _SIGNS.unsqueeze(last))
        compare(process((U, S, V)), process(to_ember(flipped)))
        with pytest.raises(AssertionError, match="values differ"):
            compare(process((U, S, V)), process(to_ember((U * 1.001, S * 1.001, V * 1.001))))


def test_eigenvectors_of_other_signs_pass_and_a_wrong_value_fails() -> None:
    for sample in _samples("linalg.eigh"):
        process = _well_defined_part("linalg.eigh", sample)
        L, Q = torch.linalg.eigh(sample.input, **sample.kwargs)
        compare(process((L, Q)), process(to_ember((L, Q * _SIGNS))))
        with pytest.raises(AssertionError, match="values differ"):
            compare(process((L, Q)), process(to_ember((L, Q * 1.001))))


def test_other_ops_compare_raw_outputs() -> None:
    sample = _samples("linalg.svd")[0]
    output = (torch.ones(2), torch.ones(2))
    assert _well_defined_part("linalg.qr", sample)(output) is output
