"""ember.vision.models against the plain-torch reference builds of torch_models.py: the same
state_dict keys and shapes, and, with one set of weights loaded into both, the same outputs, input
gradients, parameter gradients and updated BatchNorm statistics, in eval and in train mode."""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import pytest
import torch

import ember
from ember.vision import models
from tolerances import REDUCTION, TOLERANCES

from . import torch_models as ref
from .model_helpers import init_calls  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Iterator[None]:
    """torch's depthwise convs spin two threads for tiny work: 50x slower on a shared 2-core box."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _randomised(module: ember.nn.Module, rng: np.random.Generator) -> None:
    """Give the norms random affine parameters and running statistics, so that eval mode does
    more than divide by sqrt(1 + eps); the other weights keep their torchvision initialisation."""
    state = module.state_dict()
    for name, value in state.items():
        if name.endswith(("running_var", ".weight")) and value.ndim == 1:
            state[name] = ember.tensor(rng.uniform(0.5, 1.5, value.shape).astype(np.float32))
        elif name.endswith(("running_mean", ".bias")) and value.ndim == 1:
            state[name] = ember.tensor(rng.uniform(-0.2, 0.2, value.shape).astype(np.float32))
    module.load_state_dict(state)


def _keys_and_shapes(module: ember.nn.Module | torch.nn.Module) -> list[tuple[str, tuple[int, ...]]]:
    return [(k, tuple(v.shape)) for k, v in module.state_dict().items()]


def _torch_twin(e: ember.nn.Module, t: torch.nn.Module, dtype: str) -> None:
    """Load `e`'s state into `t` (same keys in the same order, same shapes) and put both in `dtype`."""
    assert _keys_and_shapes(e) == _keys_and_shapes(t)
    result = t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    e.to(getattr(ember, dtype))
    t.to(getattr(torch, dtype))


def _close(actual: np.ndarray, expected: np.ndarray, rtol: float, what: str) -> None:
    """Elementwise to `rtol`, with an absolute floor of `rtol` times the largest |expected| (an
    element that cancels to near zero keeps the error of the large terms it summed) and of 1e-11
    (float64 noise: the bias of a norm followed by a train-mode norm has a gradient of exactly
    0, which both libraries round to +-1e-13)."""
    floor = max(rtol * float(np.abs(expected).max()), 1e-11 if expected.dtype == np.float64 else 0.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=floor, err_msg=what)


def _compare(e: ember.nn.Module, t: torch.nn.Module, shape: tuple[int, ...], dtype: str, train: bool,
             rtol: float) -> None:
    """Same input into both, in train or eval mode: compare the output, the BatchNorm buffers
    afterwards and, in float64, the input gradient and every parameter's gradient (by name).
    float32 gradients are left out: a pre-activation within rounding of 0 (or two tied max-pool
    inputs) takes the other branch of a ReLU (max) in one library, which moves the gradient
    by O(1) there while the output moves by 1e-7."""
    e.train(train)
    t.train(train)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, shape).astype(dtype)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, to = e(ex), t(tx)
    _close(eo.detach().numpy(), to.detach().numpy(), rtol, "output")
    t_buffers = dict(t.named_buffers())
    for name, b in e.named_buffers():
        _close(b.numpy(), t_buffers[name].numpy(), rtol, name)
    if dtype != "float64":
        return
    upstream = rng.standard_normal(tuple(to.shape))
    (eo * ember.tensor(upstream)).sum().backward()
    (to * torch.tensor(upstream)).sum().backward()
    _close(ex.grad.numpy(), tx.grad.numpy(), rtol, "input grad")
    t_params = dict(t.named_parameters())
    for name, p in e.named_parameters():
        _close(p.grad.numpy(), t_params[name].grad.numpy(), rtol, f"{name} grad")


PAIRS: dict[str, tuple[Callable[..., ember.nn.Module], Callable[..., torch.nn.Module]]] = {
    "resnet18": (models.resnet18, lambda **kwargs: ref.ResNet("resnet18", **kwargs)),
    "resnet34": (models.resnet34, lambda **kwargs: ref.ResNet("resnet34", **kwargs)),
    "resnet50": (models.resnet50, lambda **kwargs: ref.ResNet("resnet50", **kwargs)),
    "mobilenet_v2": (models.mobilenet_v2, ref.MobileNetV2),
}


BIG: dict[str, tuple[Callable[..., ember.nn.Module], Callable[..., torch.nn.Module]]] = {
    **{name: (getattr(models, name), lambda name=name: ref.ResNet(name)) for name in list(ref.RESNET_STAGES)[3:]},
    **{f"{name}{bn}": (getattr(models, f"{name}{bn}"), lambda name=name, bn=bn: ref.VGG(name, batch_norm=bool(bn)))
       for name in ref.VGG_STAGES for bn in ("", "_bn")},
    "alexnet": (models.alexnet, ref.AlexNet),
}


@pytest.mark.parametrize("name", {**PAIRS, **BIG})
def test_state_dict_keys_and_shapes_match_the_reference(name: str, init_calls: list) -> None:
    """The full list of (key, shape), in order, against the reference built on torch's meta
    device; ember's built without drawing its initial values (init_calls)."""
    build, build_reference = {**PAIRS, **BIG}[name]
    with torch.device("meta"):
        reference = build_reference()
    assert _keys_and_shapes(build()) == _keys_and_shapes(reference)


# Entries of torchvision's published checkpoints, written out by hand: a check on the reference too.
PUBLISHED_ENTRIES = {
    "resnet18": (102, {"conv1.weight": (64, 3, 7, 7), "layer1.0.conv1.weight": (64, 64, 3, 3),
                       "layer2.0.downsample.0.weight": (128, 64, 1, 1), "layer2.0.downsample.1.running_var": (128,),
                       "layer4.1.bn2.bias": (512,), "fc.weight": (1000, 512)}),
    "mobilenet_v2": (262, {"features.0.0.weight": (32, 3, 3, 3), "features.1.conv.0.0.weight": (32, 1, 3, 3),
                           "features.1.conv.1.weight": (16, 32, 1, 1), "features.1.conv.2.running_mean": (16,),
                           "features.2.conv.0.0.weight": (96, 16, 1, 1), "features.17.conv.2.weight": (320, 960, 1, 1),
                           "features.18.0.weight": (1280, 320, 1, 1), "classifier.1.weight": (1000, 1280)}),
}


@pytest.mark.parametrize("name", PUBLISHED_ENTRIES)
def test_state_dict_holds_the_published_entries(name: str, init_calls: list) -> None:
    """Without num_batches_tracked (the oldest published files predate it), torchvision's count of
    entries, and some of them by name and shape."""
    count, entries = PUBLISHED_ENTRIES[name]
    state = {k: tuple(v.shape) for k, v in PAIRS[name][0]().state_dict().items() if "num_batches" not in k}
    assert len(state) == count and {k: state.get(k) for k in entries} == entries


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2"])
@pytest.mark.parametrize("dtype, train", [("float32", False), ("float64", True)], ids=["float32-eval", "float64-train"])
def test_matches_torch(name: str, dtype: str, train: bool) -> None:
    """Output and BatchNorm buffers, float32 to 1e-5 in eval mode; with the gradients, float64 to 1e-8 in
    train mode (batch statistics, running-statistics update): each of the ~20 train-mode norms
    divides by a batch standard deviation, so the backward through the stack amplifies float64
    rounding past the one-layer 1e-10 of the contract (float32 would lose 3 digits the same way)."""
    build, build_reference = PAIRS[name]
    no_dropout = {"dropout": 0.0} if name == "mobilenet_v2" else {}
    e, t = build(**no_dropout), build_reference(**no_dropout)
    _randomised(e, np.random.default_rng(0))
    _torch_twin(e, t, dtype)
    # in train mode 40x40 leaves the last stage 2x2: each norm sees 8 values, not an ill-conditioned 2
    _compare(e, t, (2, 3, 40, 40) if train else (1, 3, 32, 32), dtype, train,
             1e-8 if train else TOLERANCES[REDUCTION][dtype][0])


@pytest.mark.parametrize("name", ["resnet50", "resnext50_32x4d"])
def test_bottleneck_resnets_match_torch_in_eval_mode(name: str) -> None:
    """The (grouped) bottleneck blocks: the eval-mode output, float32 to 1e-5."""
    e, t = getattr(models, name)(num_classes=10), ref.ResNet(name, num_classes=10)
    _randomised(e, np.random.default_rng(0))
    _torch_twin(e, t, "float32")
    e.eval(), t.eval()
    x = np.random.default_rng(3).uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    with torch.no_grad(), ember.no_grad():
        _close(e(ember.tensor(x)).numpy(), t(torch.tensor(x)).numpy(), 1e-5, "output")


def _random_state(module: ember.nn.Module, rng: np.random.Generator) -> None:
    """Fill every value of `module` (left unset by init_calls): weights N(0, 2 / fan_in), the
    1-d parameters and buffers as `_randomised`."""
    state = {}
    for name, value in module.state_dict().items():
        if value.ndim > 1:
            fan_in = int(np.prod(value.shape[1:]))
            state[name] = ember.tensor(rng.standard_normal(value.shape, dtype=np.float32) * np.sqrt(2 / fan_in))
    module.load_state_dict(state, strict=False)
    _randomised(module, rng)


@pytest.mark.parametrize("name, size, train", [("vgg11", 32, True), ("vgg16_bn", 32, False), ("alexnet", 63, True)])
def test_vgg_and_alexnet_features_match_torch(name: str, size: int, train: bool, init_calls: list) -> None:
    """The convolutional trunk, its pooling to 7x7 (6x6) and flattening, on the smallest input
    each accepts: output, input and parameter gradients, running statistics. The classifier's
    100M-value Linear layers are left out here (their order and sizes are the key and shape
    test's, the order of their activations and dropouts test_models.py's)."""
    build, build_reference = BIG[name]
    e = build()
    with torch.device("meta"):
        t = build_reference()
    t.to_empty(device="cpu")
    _random_state(e.features, np.random.default_rng(0))
    _torch_twin(e.features, t.features, "float64")
    trunk = ember.nn.Sequential(e.features, e.avgpool, ember.nn.Flatten())
    reference = torch.nn.Sequential(t.features, t.pool, torch.nn.Flatten())
    _compare(trunk, reference, (2 if train else 1, 3, size, size), "float64", train, 1e-8)
