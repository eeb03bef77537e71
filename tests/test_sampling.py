"""ember.multinomial: torch's shapes, dtype, checks and error messages, and its distribution."""

import numpy as np
import pytest
import torch

import ember


def test_shapes_and_dtype_follow_torch():
    for lib in (ember, torch):
        one = lib.multinomial(lib.tensor([1.0, 2.0, 3.0]), 2)
        rows = lib.multinomial(lib.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]]), 5, replacement=True)
        assert tuple(one.shape) == (2,) and tuple(rows.shape) == (3, 5)
        assert one.dtype == lib.int64 and rows.dtype == lib.int64 and not one.requires_grad


def test_frequencies_follow_the_weights_row_by_row():
    ember.manual_seed(0)
    weights = ember.tensor([[1.0, 0.0, 3.0], [0.0, 2.0, 2.0]])
    drawn = ember.multinomial(weights, 4000, replacement=True).numpy()
    counts = np.stack([np.bincount(row, minlength=3) for row in drawn]) / 4000
    assert np.allclose(counts, [[0.25, 0.0, 0.75], [0.0, 0.5, 0.5]], atol=0.03)
    assert counts[0, 1] == 0 and counts[1, 0] == 0


def test_without_replacement_draws_distinct_indices_zero_weights_last():
    ember.manual_seed(1)
    assert sorted(ember.multinomial(ember.ones(2, 5), 5).numpy()[1].tolist()) == [0, 1, 2, 3, 4]
    for lib in (ember, torch):
        assert lib.multinomial(lib.tensor([0.0, 1.0, 0.0]), 3)[0].item() == 1


def test_a_generator_makes_draws_reproducible():
    probs = ember.tensor([0.2, 0.3, 0.5])
    a = ember.multinomial(probs, 20, True, generator=ember.Generator().manual_seed(7))
    b = ember.multinomial(probs, 20, True, generator=ember.Generator().manual_seed(7))
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize(
    "weights, num_samples, replacement, message",
    [
        ([[[1.0]]], 1, False, "prob_dist must be 1 or 2 dim"),
        ([1.0, 1.0], 0, True, "cannot sample n_sample <= 0 samples"),
        ([1.0, 1.0], 3, False, r"cannot sample n_sample > prob_dist.size\(-1\) samples without replacement"),
        ([1.0, float("nan")], 1, True, "probability tensor contains either `inf`, `nan` or element < 0"),
        ([[0.0, 0.0], [1.0, -1.0]], 1, True, "probability tensor contains either `inf`, `nan` or element < 0"),
        ([[1.0, 1.0], [0.0, 0.0]], 1, True, r"invalid multinomial distribution \(sum of probabilities <= 0\)"),
    ],
)
def test_bad_inputs_raise_torchs_errors(weights, num_samples, replacement, message):
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match=message):
            lib.multinomial(lib.tensor(weights), num_samples, replacement)


def test_integer_input_is_refused_as_torch_does():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="multinomial only supports floating-point dtypes for input, got: Long"):
            lib.multinomial(lib.tensor([1, 2]), 1)
