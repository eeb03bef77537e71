"""Compose, Lambda, RandomApply, RandomChoice and RandomOrder: order, probabilities, seeds, reprs."""

import pytest

import ember
from ember.vision import transforms as T


def test_compose_applies_in_order_and_reprs_as_torchvision():
    c = T.Compose([T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 10)])
    assert c(1) == 20
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"
    )


def test_lambda_refuses_non_callables():
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    assert repr(T.Lambda(abs)) == "Lambda()"


def test_random_apply_probability_and_seed():
    t = T.RandomApply([T.Lambda(lambda x: x + 1)], p=0.3)
    ember.manual_seed(5)
    first = [t(0) for _ in range(400)]
    ember.manual_seed(5)
    assert [t(0) for _ in range(400)] == first
    assert 0.22 < sum(first) / 400 < 0.38
    assert T.RandomApply([abs], p=0.0)(-1) == -1
    assert T.RandomApply([abs], p=1.0)(-1) == 1


def test_random_apply_repr():
    assert repr(T.RandomApply([T.ToTensor()], p=0.3)) == "RandomApply(\n    p=0.3\n    ToTensor()\n)"


def test_random_choice_follows_weights_and_seed():
    t = T.RandomChoice([T.Lambda(lambda x: "a"), T.Lambda(lambda x: "b")], p=[3, 1])
    ember.manual_seed(1)
    picks = [t(None) for _ in range(800)]
    assert 0.7 < picks.count("a") / 800 < 0.8
    ember.manual_seed(1)
    assert [t(None) for _ in range(800)] == picks
    ember.manual_seed(2)
    assert [t(None) for _ in range(800)] != picks


def test_random_choice_errors_and_repr():
    with pytest.raises(TypeError, match="Argument transforms should be a sequence"):
        T.RandomChoice(abs)
    with pytest.raises(TypeError, match="Argument p should be a sequence"):
        T.RandomChoice([abs], p=1.0)
    assert repr(T.RandomChoice([T.ToTensor()])) == "RandomChoice(\n    ToTensor()\n)(p=None)"


def test_random_order_applies_each_transform_once():
    t = T.RandomOrder([T.Lambda(lambda s: s + "a"), T.Lambda(lambda s: s + "b"), T.Lambda(lambda s: s + "c")])
    outs = {t("") for _ in range(60)}
    assert outs == {"abc", "acb", "bac", "bca", "cab", "cba"}
