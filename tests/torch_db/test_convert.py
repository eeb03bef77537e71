"""The harness's conversions that are more than a copy of values: a torch transformer layer given
as a constructor argument becomes the ember layer of the same configuration and weights; the
aliased conversion keeps the memory relations between tensors."""

import numpy as np
import pytest
import torch

import ember
from torch_db.convert import Unconvertible, compare, to_ember, to_ember_aliased


@pytest.mark.parametrize("kwargs", [{}, {"activation": torch.nn.functional.gelu, "norm_first": True},
                                    {"bias": False, "batch_first": True, "layer_norm_eps": 1e-3}])
def test_transformer_encoder_layer_is_rebuilt_with_its_weights(kwargs: dict) -> None:
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(4, 2, 8, 0.0, dtype=torch.float64, **kwargs).eval()
    rebuilt = to_ember(layer)
    assert isinstance(rebuilt, ember.nn.TransformerEncoderLayer) and not rebuilt.training
    x = torch.randn(3, 2, 4, dtype=torch.float64)
    compare(layer(x), rebuilt(to_ember(x)))
    compare(list(layer.state_dict().values()), list(rebuilt.state_dict().values()), "state_dict")


def test_modules_with_tensors_other_than_transformer_layers_are_unconvertible() -> None:
    with pytest.raises(Unconvertible, match="rebuilds only modules without tensors"):
        to_ember(torch.nn.Linear(2, 3))


def test_aliased_conversion_keeps_views_and_expansions() -> None:
    x = torch.arange(12, dtype=torch.float64)
    view, expanded, transposed = x[2:8].view(2, 3), torch.zeros(1).expand(4), x.view(3, 4).t()
    ex, ev, ee, et = to_ember_aliased([x, view, expanded, transposed])
    assert ee.stride() == (0,) and et.stride() == transposed.stride() and ev.storage_offset() == 2
    compare([x, view, expanded, transposed], [ex, ev, ee, et])
    ex[3] = 100.0  # one buffer: the write shows through every view of it, as in torch
    x[3] = 100.0
    compare([view, transposed], [ev, et])
    assert not np.may_share_memory(ex.numpy(), x.numpy())  # a copy of torch's storage, not torch's


def test_plain_conversion_copies_each_tensor() -> None:
    x = torch.arange(6, dtype=torch.float64)
    ex, ev = to_ember([x, x[1:4]])
    ex[1] = 100.0
    assert ev.tolist() == [1.0, 2.0, 3.0]


def test_past_numpys_dimensions_is_unconvertible_in_both_conversions() -> None:
    deep = torch.zeros((1,) * 65)
    for convert in (to_ember, to_ember_aliased):
        with pytest.raises(Unconvertible, match="64"):
            convert(deep)
