"""datasets.Digits: scikit-learn's digits as torchvision-style (PIL image, label) samples."""

import numpy as np
from sklearn.datasets import load_digits

import ember
from ember.vision import datasets


def test_split_covers_every_image_once_in_order():
    train, test = datasets.Digits(train=True), datasets.Digits(train=False)
    assert (len(train), len(test)) == (1437, 360)
    bunch = load_digits()
    images = np.concatenate([train.data.numpy(), test.data.numpy()])
    np.testing.assert_array_equal(images, np.rint(bunch.images * 255 / 16).astype(np.uint8))
    np.testing.assert_array_equal(np.concatenate([train.targets.numpy(), test.targets.numpy()]), bunch.target)
    assert train.data.dtype == ember.uint8 and train.targets.dtype == ember.int64


def test_sample_is_a_grey_pil_image_and_an_int_through_the_transforms():
    ds = datasets.Digits(train=False, transform=lambda im: np.asarray(im), target_transform=lambda t: t + 100)
    image, target = ds[5]
    np.testing.assert_array_equal(image, ds.data.numpy()[5])
    assert target == int(ds.targets[5]) + 100
    raw, label = datasets.Digits(train=False)[5]
    assert (raw.mode, raw.size, type(label)) == ("L", (8, 8), int)
