"""pow and float_power want a Tensor on at least one side: two numbers raise torch's TypeError,
while the operators and a number on one side keep working."""

import pytest
import torch

import ember


@pytest.mark.parametrize("name", ["pow", "float_power"])
@pytest.mark.parametrize("args", [(2, 3), (2.0, 3), (2, 0.5), (True, 2)])
def test_two_numbers_raise_type_error(name, args):
    with pytest.raises(TypeError):
        getattr(torch, name)(*args)
    with pytest.raises(TypeError, match="must be a Tensor"):
        getattr(ember, name)(*args)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.tensor([2, 3]) ** 3,
        lambda m: 2 ** m.tensor([2, 3]),
        lambda m: m.tensor([2.0, 3.0]) ** 0.5,
        lambda m: m.pow(2, m.tensor([1, 2])),
        lambda m: m.pow(m.tensor([1.5, 2.0]), 2),
        lambda m: m.float_power(2, m.tensor([1, 2])),
        lambda m: m.float_power(m.tensor([1, 2]), 2),
    ],
)
def test_a_tensor_on_one_side_still_works(fn):
    ours, theirs = fn(ember), fn(torch)
    assert ours.tolist() == theirs.tolist()
    assert ours.dtype.name == str(theirs.dtype).split(".")[1]
