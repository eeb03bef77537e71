"""The siamese demo's pieces: the contrastive loss (against its formula and torch), the pairs,
the threshold."""

import numpy as np
import pytest
import torch

import ember
from ember.demos import _pairs
from ember.demos._pairs import DIFFERENT, SAME


def test_contrastive_loss_is_hadsells_formula_and_differentiates_as_torch():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)) * 0.3
    y = np.array([SAME, DIFFERENT] * 3)
    x1, x2 = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    losses = _pairs.contrastive_loss(x1, x2, ember.tensor(y), margin=1.5, reduction="none")
    d = np.linalg.norm(a - b + 1e-6, axis=1)  # torch's pairwise_distance adds eps to each difference
    expected = np.where(y == SAME, d**2 / 2, np.maximum(0.0, 1.5 - d) ** 2 / 2)
    np.testing.assert_allclose(losses.detach().numpy(), expected, rtol=1e-12)

    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    td = torch.nn.functional.pairwise_distance(t1, t2)
    ty = torch.tensor(y, dtype=torch.float64)
    ((1 - ty) * td**2 / 2 + ty * torch.relu(1.5 - td) ** 2 / 2).mean().backward()
    _pairs.contrastive_loss(x1, x2, ember.tensor(y), margin=1.5).backward()
    np.testing.assert_allclose(x1.grad.numpy(), t1.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(x2.grad.numpy(), t2.grad.numpy(), rtol=1e-10)
    total = _pairs.contrastive_loss(x1, x2, ember.tensor(y), margin=1.5, reduction="sum")
    assert total.item() == pytest.approx(expected.sum())


def test_pairs_alternate_same_and_different_classes():
    labels = np.array([0, 0, 0, 1, 1, 2, 3])
    pairs = _pairs.draw_pairs(labels, 200, seed=0)
    same, different = pairs[0::2], pairs[1::2]
    assert (same[:, 2] == SAME).all() and (different[:, 2] == DIFFERENT).all()
    assert (labels[same[:, 0]] == labels[same[:, 1]]).all() and (same[:, 0] != same[:, 1]).all()
    assert (labels[different[:, 0]] != labels[different[:, 1]]).all()
    assert set(labels[different[:, :2]].ravel()) == {0, 1, 2, 3}
    np.testing.assert_array_equal(pairs, _pairs.draw_pairs(labels, 200, seed=0))
    with pytest.raises(ValueError, match="two classes"):
        _pairs.draw_pairs(np.array([0, 1, 2]), 4, seed=0)


def test_the_threshold_separates_the_pairs_best():
    distances = np.array([0.1, 0.2, 0.35, 0.3, 0.8, 0.9])
    targets = np.array([SAME, SAME, SAME, DIFFERENT, DIFFERENT, DIFFERENT])
    threshold = _pairs.best_threshold(distances, targets)
    assert threshold == pytest.approx(0.25)  # 5 of 6 right; cutting at 0.575 also gets 5, later
    assert _pairs.pair_accuracy(distances, targets, threshold) == pytest.approx(5 / 6)
    apart, targets = np.array([0.6, 0.2, 0.5, 0.3]), np.array([DIFFERENT, SAME, DIFFERENT, SAME])
    assert _pairs.best_threshold(apart, targets) == pytest.approx(0.4)
    all_same = np.array([SAME] * 4)
    assert _pairs.pair_accuracy(apart, all_same, _pairs.best_threshold(apart, all_same)) == 1
