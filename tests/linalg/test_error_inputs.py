"""ember.linalg raises torch's exception, with torch's message, on torch's OpInfo error inputs."""

from __future__ import annotations

import re

import pytest
import torch

from ._opinfo import to_ember
from .test_opinfo import EMBER, EMBER_VARIANTS, OPS

WITH_ERRORS = sorted(name for name, op in OPS.items() if op.error_inputs_func is not None)


@pytest.mark.parametrize("name", WITH_ERRORS)
def test_error_inputs_raise_torch_errors(name: str) -> None:
    op = OPS[name]
    fn = EMBER_VARIANTS.get(name, EMBER[op.name])
    for error in op.error_inputs("cpu"):
        sample = error.sample_input
        input, args, kwargs = to_ember((sample.input, tuple(sample.args), dict(sample.kwargs)))
        with pytest.raises(error.error_type, match=error.error_regex):
            fn(input, *args, **kwargs)
