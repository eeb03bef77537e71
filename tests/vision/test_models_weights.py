"""`weights=`: torchvision's enums, the deprecated `pretrained=`, and the checked download into
the cache, against a local HTTP server on 127.0.0.1 (the only network the tests use)."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import ember
from ember.vision import models
from local_http import Server

from . import torch_models as ref
from .model_helpers import init_calls  # noqa: F401 (a fixture)

R18 = models.ResNet18_Weights.IMAGENET1K_V1


def _publish(server: Server, data: bytes, name: str, weights: models.WeightsEnum,
             monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve `data` as `name` and point `weights` at it."""
    server.files[f"/{name}"] = data
    monkeypatch.setattr(weights.value, "url", f"{server.url}/{name}")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """EMBER_HOME in a fresh folder; returns its checkpoint folder, <home>/hub/checkpoints."""
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "hub" / "checkpoints"


@pytest.fixture(scope="module")
def checkpoint() -> tuple[bytes, torch.nn.Module]:
    """A resnet18 checkpoint written by `torch.save` as torchvision's are: the OrderedDict of
    `state_dict()` without num_batches_tracked (the oldest published files predate it,
    and ember must load them strictly all the same)."""
    torch.manual_seed(0)
    reference = ref.ResNet("resnet18").eval()
    state = reference.state_dict()
    for key in [k for k in state if k.endswith("num_batches_tracked")]:
        del state[key]
    for key in [k for k in state if k.endswith("running_var")]:
        state[key].uniform_(0.5, 1.5)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue(), reference


def _named(data: bytes) -> str:
    """torchvision's file naming: the first 8 hex digits of the sha256 after the last dash."""
    return f"resnet18-{hashlib.sha256(data).hexdigest()[:8]}.pth"


def test_enums_as_torchvisions() -> None:
    assert models.ResNet18_Weights.DEFAULT is R18 and models.ResNet50_Weights.DEFAULT.name == "IMAGENET1K_V2"
    assert models.MobileNet_V2_Weights.DEFAULT is models.MobileNet_V2_Weights.IMAGENET1K_V2
    assert repr(R18) == "ResNet18_Weights.IMAGENET1K_V1"
    assert R18.url == "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    assert len(R18.meta["categories"]) == 1000 and R18.meta["categories"][207] == "golden retriever"
    assert R18.meta["_metrics"]["ImageNet-1K"] == {"acc@1": 69.758, "acc@5": 89.078}
    assert models.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None
    assert models.AlexNet_Weights.DEFAULT.meta["min_size"] == (63, 63)
    for name in ("DEFAULT", "IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1"):
        assert models.ResNet18_Weights.verify(name) is R18
    assert models.ResNet18_Weights.verify(None) is None
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received ResNet34_Weights"):
        models.resnet18(weights=models.ResNet34_Weights.DEFAULT)
    with pytest.raises(KeyError):
        models.resnet18(weights="IMAGENET1K_V9")


def test_transforms_is_the_validation_preset() -> None:
    preset = models.ResNet50_Weights.IMAGENET1K_V2.transforms()
    assert isinstance(preset, ember.nn.Module)
    assert (preset.crop_size, preset.resize_size) == ([224], [232])
    assert preset.mean == [0.485, 0.456, 0.406] and preset.std == [0.229, 0.224, 0.225]


def test_transforms_preprocess_a_tensor_and_a_pil_image() -> None:
    """Resize 256, crop 224, [0, 1], normalize: a constant image stays constant through the
    resize and crop, so each channel must read (value / 255 - mean) / std."""
    pytest.importorskip("ember.vision.transforms.functional", reason="ember.vision.transforms is not here yet")
    image = pytest.importorskip("PIL.Image")
    preset = R18.transforms()
    expected = (np.array([128, 64, 32]) / 255 - np.array(preset.mean)) / np.array(preset.std)
    tensor = ember.tensor(np.broadcast_to(np.array([128, 64, 32], np.uint8)[:, None, None], (3, 300, 400)).copy())
    for picture in (tensor, image.new("RGB", (400, 300), (128, 64, 32))):
        out = preset(picture)
        assert out.shape == (3, 224, 224) and out.dtype == ember.float32
        np.testing.assert_allclose(out.numpy(), np.broadcast_to(expected[:, None, None], (3, 224, 224)), rtol=1e-5)


def test_download_checks_caches_and_loads(http_server: Server, cache: Path, checkpoint: tuple, init_calls: list,
                                          monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    """weights="DEFAULT": downloaded once (a progress bar on stderr), the hash prefix checked,
    loaded strictly into a model that computes what torch does with the same checkpoint."""
    data, reference = checkpoint
    _publish(http_server, data, _named(data), R18, monkeypatch)
    model = models.resnet18(weights="DEFAULT").eval()
    assert [p.name for p in cache.iterdir()] == [_named(data)]
    assert (cache / _named(data)).read_bytes() == data
    err = capfd.readouterr().err
    assert f'Downloading: "{R18.url}" to {cache / _named(data)}' in err and "100%" in err
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    with torch.no_grad(), ember.no_grad():
        expected = reference(torch.tensor(x)).numpy()
        np.testing.assert_allclose(model(ember.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-5)
    models.resnet18(weights=R18, progress=False)
    assert http_server.requests == [f"/{_named(data)}"]
    assert "Downloading" not in capfd.readouterr().err


def test_a_legacy_format_checkpoint_loads(http_server: Server, cache: Path, checkpoint: tuple, init_calls: list,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The published files never renamed since before torch 1.6 (vgg16's, vgg16_bn's, mobilenet_v2
    V1's...) are likely in torch's legacy pickle sequence, not a zip archive."""
    data, reference = checkpoint
    legacy = io.BytesIO()
    torch.save(torch.load(io.BytesIO(data)), legacy, _use_new_zipfile_serialization=False)
    _publish(http_server, legacy.getvalue(), _named(legacy.getvalue()), R18, monkeypatch)
    model = models.resnet18(weights=R18, progress=False).eval()
    x = np.random.default_rng(0).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    with torch.no_grad(), ember.no_grad():
        np.testing.assert_allclose(model(ember.tensor(x)).numpy(), reference(torch.tensor(x)).numpy(), rtol=1e-5,
                                   atol=1e-5)


def test_a_file_already_present_is_not_requested(http_server: Server, cache: Path, checkpoint: tuple, init_calls: list,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = checkpoint
    monkeypatch.setattr(R18.value, "url", f"{http_server.url}/{_named(data)}")
    cache.mkdir(parents=True)
    (cache / _named(data)).write_bytes(data)
    models.resnet18(weights=R18)
    assert http_server.requests == []


def test_a_bad_hash_fails_and_leaves_no_file(http_server: Server, cache: Path, checkpoint: tuple, init_calls: list,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = checkpoint
    _publish(http_server, data, "resnet18-00000000.pth", R18, monkeypatch)
    digest = hashlib.sha256(data).hexdigest()
    with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "00000000", got "{digest}"\\)'):
        models.resnet18(weights=R18, progress=False)
    assert list(cache.iterdir()) == []
    assert http_server.requests == ["/resnet18-00000000.pth"]


def test_pretrained_is_deprecated_as_in_torchvision(http_server: Server, cache: Path, checkpoint: tuple, init_calls: list,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.warns(UserWarning) as record:
        model = models.resnet18(pretrained=False, num_classes=10)
    assert [str(w.message) for w in record] == [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use 'weights' "
        "instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed in "
        "the future. The current behavior is equivalent to passing `weights=None`.",
    ]
    assert model.fc.out_features == 10 and http_server.requests == []
    data, _ = checkpoint
    _publish(http_server, data, _named(data), R18, monkeypatch)
    with pytest.warns(UserWarning) as record:
        models.resnet18(pretrained=True, progress=False)
    assert str(record[1].message).endswith("equivalent to passing `weights=ResNet18_Weights.IMAGENET1K_V1`. You "
                                           "can also use `weights=ResNet18_Weights.DEFAULT` to get the most up-to-date "
                                           "weights.")
    with pytest.warns(UserWarning) as record:
        models.resnet18(True, False)
    assert str(record[0].message).startswith("Using 'weights', 'progress' as positional parameter(s) is deprecated")
    assert len(http_server.requests) == 1
    with pytest.raises(TypeError, match="pretrained"):
        models.resnet18(pretrained=True, weights=None)


def test_weights_fix_num_classes() -> None:
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 but got 10 instead."):
        models.resnet18(weights=R18, num_classes=10)


def test_vgg_with_weights_skips_its_initialisation(init_calls: list, monkeypatch: pytest.MonkeyPatch) -> None:
    """As torchvision: the checkpoint overwrites every value, so the 130M draws are skipped."""
    loaded: list[Any] = []
    monkeypatch.setattr(models.WeightsEnum, "get_state_dict", lambda self, *args, **kwargs: self)
    monkeypatch.setattr(models.VGG, "load_state_dict", lambda self, state, strict=True: loaded.append(state))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        models.vgg11(weights="DEFAULT")
    assert loaded == [models.VGG11_Weights.IMAGENET1K_V1]
    assert not [c for c in init_calls if c[0] in ("kaiming_normal_", "normal_", "constant_")]


def test_the_model_registry(init_calls: list) -> None:
    assert models.list_models() == [
        "alexnet", "mobilenet_v2", "resnet101", "resnet152", "resnet18", "resnet34", "resnet50", "resnext101_32x8d",
        "resnext101_64x4d", "resnext50_32x4d", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
        "vgg19_bn", "wide_resnet101_2", "wide_resnet50_2"]
    assert models.list_models(models, include=["resnet1*", "vgg1?"], exclude="*9") == [
        "resnet101", "resnet152", "resnet18", "vgg11", "vgg13", "vgg16"]
    assert models.get_model_builder("ResNet18") is models.resnet18
    assert models.get_model("mobilenet_v2", num_classes=3).classifier[1].out_features == 3
    assert models.get_model_weights("vgg16_bn") is models.VGG16_BN_Weights
    assert models.get_model_weights(models.alexnet) is models.AlexNet_Weights
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is models.ResNet50_Weights.DEFAULT
    with pytest.raises(ValueError, match="Unknown model resnet1000"):
        models.get_model("resnet1000")
    with pytest.raises(ValueError, match="Invalid weight name provided: 'IMAGENET1K_V1'."):
        models.get_weight("IMAGENET1K_V1")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific method couldn't be"):
        models.get_weight("Nope_Weights.IMAGENET1K_V1")
