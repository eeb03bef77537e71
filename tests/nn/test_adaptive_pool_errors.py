"""The errors of F.adaptive_{avg,max}_pool{2,3}d on inputs with too few dims: torch's ValueError
for a sequence output_size (checked before the kernel's own 3D/4D check)."""

import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F

NAMES = ["adaptive_avg_pool2d", "adaptive_max_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool3d"]


def _raised(fn, x, size):
    try:
        fn(x, size)
    except Exception as error:  # the type is what is compared
        return type(error)
    return None


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("ndim", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("as_int", [False, True])
def test_error_type_matches_torch(name, ndim, as_int):
    nd = 3 if name.endswith("3d") else 2
    size = 2 if as_int else (2,) * nd
    shape = (2,) * ndim
    expected = _raised(getattr(TF, name), torch.ones(shape), size)
    assert _raised(getattr(F, name), ember.ones(*shape), size) is expected


def test_message_names_the_needed_dims():
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        F.adaptive_avg_pool2d(ember.ones(2, 2), (2, 2))
