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


def test_a_training_pipeline_on_a_pil_image_is_reproducible():
    import numpy as np
    from PIL import Image

    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (40, 50, 3), dtype=np.uint8))
    pipeline = T.Compose([
        T.RandomResizedCrop(24), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.05),
        T.ToTensor(), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)), T.RandomErasing(),
    ])
    ember.manual_seed(0)
    first = pipeline(img)
    ember.manual_seed(0)
    again = pipeline(img)
    assert first.shape == (3, 24, 24) and first.dtype is ember.float32
    assert np.array_equal(first.numpy(), again.numpy())
    assert not np.array_equal(pipeline(img).numpy(), first.numpy())


def test_an_evaluation_pipeline_matches_hand_computed_values():
    import numpy as np
    from PIL import Image

    arr = np.random.default_rng(1).integers(0, 256, (30, 40, 3), dtype=np.uint8)
    pipeline = T.Compose([T.Resize(20), T.CenterCrop(16), T.PILToTensor(), T.ConvertImageDtype(ember.float32), T.Normalize((0.5,) * 3, (0.5,) * 3)])
    resized = np.asarray(Image.fromarray(arr).resize((26, 20), Image.Resampling.BILINEAR))
    top, left = int(round((20 - 16) / 2)), int(round((26 - 16) / 2))
    expected = (resized[top:top + 16, left:left + 16].transpose(2, 0, 1) / np.float32(255) - 0.5) / 0.5
    np.testing.assert_allclose(pipeline(Image.fromarray(arr)).numpy(), expected, rtol=1e-6, atol=1e-6)
