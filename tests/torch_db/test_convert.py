"""The harness's conversions that are more than a copy of values: a torch transformer layer given
as a constructor argument becomes the ember layer of the same configuration and weights."""

import pytest
import torch

import ember
from torch_db.convert import Unconvertible, compare, to_ember


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
