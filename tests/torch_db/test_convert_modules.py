"""to_ember on torch modules passed as arguments: stateless ones are rebuilt in ember with the
same configuration, so that e.g. triplet_margin_with_distance_loss's samples really run."""

import pytest
import torch

import ember
from torch_db.convert import Unconvertible, to_ember


def test_a_stateless_module_is_rebuilt_with_its_configuration():
    rebuilt = to_ember(torch.nn.PairwiseDistance(p=3.0, eps=1e-4, keepdim=True))
    assert isinstance(rebuilt, ember.nn.PairwiseDistance)
    assert (rebuilt.norm, rebuilt.eps, rebuilt.keepdim) == (3.0, 1e-4, True)
    a, b = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)
    expected = torch.nn.PairwiseDistance(p=3.0, eps=1e-4, keepdim=True)(a, b)
    assert torch.allclose(torch.from_numpy(rebuilt(to_ember(a), to_ember(b)).numpy()), expected, rtol=1e-12, atol=0)


def test_a_module_with_parameters_is_refused():
    with pytest.raises(Unconvertible, match="Linear"):
        to_ember(torch.nn.Linear(2, 3))
