"""The elementwise, special-function and order-statistic ops against torch's own OpInfo
samples: values, dtypes and shapes in float64, float32 and int64 (where torch supports the
dtype), input gradients in float64, and torch's error inputs."""

from __future__ import annotations

import pytest
import torch

import ember

from tests.tensor.opinfo_util import check_errors, check_samples
from tests.tolerances import EXACT, REDUCTION, TRANSCENDENTAL

TRIG = ["asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2", "hypot", "deg2rad", "rad2deg"]
POINTWISE = [
    "copysign", "fmod", "remainder", "clamp_min", "clamp_max", "nan_to_num", "isclose", "xlogy", "logit",
    "sinc", "logaddexp", "logaddexp2", "addcmul", "addcdiv", "lerp", "frac", "trunc", "round", "float_power",
    "true_divide", "ldexp", "signbit", "sgn", "positive", "square", "exp2", "rsqrt", "isposinf", "isneginf",
    "isreal", "erfinv", "lgamma", "i0", "erfc",
]
NO_GRADIENT = ["heaviside", "nextafter", "frexp", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm"]
SPECIAL = ["special.erfcx", "special.i0e", "special.i1", "special.i1e", "special.ndtr", "special.xlog1py", "special.entr",
           "special.ndtri", "special.log_ndtr", "special.zeta"]
ORDER = ["median", "nanmedian", "quantile", "nanquantile", "mode", "cummax", "cummin", "aminmax"]
REDUCTIONS = ["nansum", "nanmean", "count_nonzero", "logcumsumexp", "histc", "bincount", "diff"]
# torch's mode picks an index by an unstable sort on large inputs; only its values are defined
ONLY_VALUES = {"mode": 1}
# aminmax's error inputs are a 65-dim tensor (NumPy stops at 64) and an `out=` pair
ERRORS_LEFT_OUT = {"aminmax"}
# OpInfo calls polygamma as (x, n)
CALLS = {"polygamma": lambda x, n, **kwargs: ember.polygamma(n, x, **kwargs)}
CASES = (
    [(n, "", TRANSCENDENTAL, True) for n in TRIG + POINTWISE + SPECIAL + ["digamma"]]
    + [("polygamma", f"polygamma_n_{n}", TRANSCENDENTAL, True) for n in range(5)]
    + [("mvlgamma", f"mvlgamma_p_{p}", TRANSCENDENTAL, True) for p in (1, 3, 5)]
    + [(n, "", EXACT, False) for n in NO_GRADIENT]
    + [(n, "", REDUCTION, True) for n in ORDER + REDUCTIONS]
    + [(n, v, REDUCTION, True) for n in ("var_mean", "std_mean") for v in ("", "unbiased")]
)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.int64], ids=str)
@pytest.mark.parametrize("name, variant, kind, grad", CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_matches_torch_samples(name: str, variant: str, kind: str, grad: bool, dtype: torch.dtype) -> None:
    check_samples(name, dtype, kind, variant, grad=grad, outputs=ONLY_VALUES.get(name, 99), fn=CALLS.get(name))


ERROR_CASES = [(c[0], c[1]) for c in CASES if c[0] not in ERRORS_LEFT_OUT]


@pytest.mark.parametrize("name, variant", ERROR_CASES, ids=[f"{n}{v}" for n, v in ERROR_CASES])
def test_error_inputs_raise_torch_exceptions(name: str, variant: str) -> None:
    check_errors(name, variant)
