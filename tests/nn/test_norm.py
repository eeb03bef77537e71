"""BatchNorm1d/2d/3d, LayerNorm and GroupNorm against torch: same weights and buffers loaded
both ways, several training steps (outputs, input and parameter gradients, running buffers),
then eval mode; state_dict keys, reprs and torch's errors; float32 accuracy far from zero.
The functional forms, gradcheck and double backward are in test_norm_functional.py."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn

from .conftest import TOLERANCE, share_weights

DTYPES = ["float64", "float32"]
DIRECTIONS = ["torch->ember", "ember->torch"]

LAYERS: dict[str, tuple[Callable[[Any], Any], tuple[int, ...]]] = {
    "bn1d_2d_input": (lambda m: m.BatchNorm1d(3), (6, 3)),
    "bn1d_3d_input": (lambda m: m.BatchNorm1d(4), (5, 4, 7)),
    "bn1d_momentum_none": (lambda m: m.BatchNorm1d(3, momentum=None), (4, 3, 2)),
    "bn1d_no_affine": (lambda m: m.BatchNorm1d(3, affine=False), (8, 3)),
    "bn1d_no_bias": (lambda m: m.BatchNorm1d(3, bias=False), (8, 3, 2)),
    "bn1d_untracked": (lambda m: m.BatchNorm1d(3, track_running_stats=False), (5, 3, 4)),
    "bn2d": (lambda m: m.BatchNorm2d(3), (4, 3, 5, 6)),
    "bn2d_eps_momentum": (lambda m: m.BatchNorm2d(2, eps=1e-3, momentum=0.3), (3, 2, 4, 4)),
    "bn2d_batch_of_one": (lambda m: m.BatchNorm2d(2), (1, 2, 3, 3)),
    "bn2d_untracked_no_affine": (lambda m: m.BatchNorm2d(2, affine=False, track_running_stats=False), (2, 2, 3, 3)),
    "bn3d": (lambda m: m.BatchNorm3d(2), (2, 2, 3, 2, 3)),
    "ln_last_dim": (lambda m: m.LayerNorm(5), (4, 5)),
    "ln_two_dims": (lambda m: m.LayerNorm([3, 4]), (2, 5, 3, 4)),
    "ln_no_affine": (lambda m: m.LayerNorm(6, elementwise_affine=False), (3, 6)),
    "ln_no_bias_eps": (lambda m: m.LayerNorm(4, eps=1e-3, bias=False), (2, 3, 4)),
    "ln_1d_input": (lambda m: m.LayerNorm(7), (7,)),
    "gn": (lambda m: m.GroupNorm(2, 4), (3, 4, 5)),
    "gn_2d_spatial": (lambda m: m.GroupNorm(3, 6), (2, 6, 3, 4)),
    "gn_one_group": (lambda m: m.GroupNorm(1, 4, affine=False), (2, 4, 3)),
    "gn_instance": (lambda m: m.GroupNorm(4, 4, eps=1e-3, bias=False), (2, 4, 6)),
    "gn_no_spatial": (lambda m: m.GroupNorm(2, 6), (3, 6)),
}


def _randomise(e: nn.Module, seed: int) -> None:
    """Weights and buffers away from their defaults (ones, zeros), so a swapped or ignored
    one shows; running_var stays positive."""
    rng = np.random.default_rng(seed)
    with ember.no_grad():
        for name, t in e.state_dict().items():
            if name.endswith("num_batches_tracked"):
                t.fill_(3)
            elif name.endswith("running_var"):
                t.copy_(ember.tensor(rng.uniform(0.5, 2.0, t.shape).astype(t.dtype.name)))
            else:
                t.copy_(ember.tensor(rng.uniform(-1.5, 1.5, t.shape).astype(t.dtype.name)))


def _close(a: Any, b: Any, dtype: str, what: str) -> None:
    rtol, atol = TOLERANCE[dtype]
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, err_msg=what)


def _step(e: nn.Module, t: torch.nn.Module, shape: tuple[int, ...], dtype: str, rng: np.random.Generator, what: str) -> None:
    """One forward and backward in both; compare output, input gradient, parameter gradients
    and (after the step) every buffer, then clear the gradients."""
    x = (rng.uniform(-2.0, 2.0, shape) * rng.uniform(0.5, 3.0) + rng.uniform(-1.0, 1.0)).astype(dtype)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e_out, t_out = e(ex), t(tx)
    assert e_out.dtype.name == dtype and tuple(e_out.shape) == tuple(t_out.shape)
    _close(e_out.detach().numpy(), t_out.detach().numpy(), dtype, f"{what}: output")
    upstream = rng.standard_normal(shape).astype(dtype)
    (e_out * ember.tensor(upstream)).sum().backward()
    (t_out * torch.tensor(upstream)).sum().backward()
    _close(ex.grad.numpy(), tx.grad.numpy(), dtype, f"{what}: input grad")
    t_params = dict(t.named_parameters())
    for name, p in e.named_parameters():
        assert p.grad is not None and p.grad.dtype.name == dtype, f"{what}: {name} grad"
        _close(p.grad.numpy(), t_params[name].grad.numpy(), dtype, f"{what}: {name} grad")
        p.grad = None
        t_params[name].grad = None
    t_buffers = dict(t.named_buffers())
    for name, b in e.named_buffers():
        if b.dtype is ember.int64:
            assert b.item() == t_buffers[name].item(), f"{what}: {name}"
        else:
            _close(b.numpy(), t_buffers[name].numpy(), dtype, f"{what}: {name}")


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch_over_training_steps_then_in_eval(name: str, dtype: str, direction: str) -> None:
    build, shape = LAYERS[name]
    e, t = build(nn), build(torch.nn)
    e.to(getattr(ember, dtype))
    t.to(getattr(torch, dtype))
    _randomise(e, seed=len(name))
    if direction == "torch->ember":
        t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e.state_dict().items()})
        e.reset_parameters()
    share_weights(e, t, direction)
    rng = np.random.default_rng(0)
    for i in range(3):
        _step(e, t, shape, dtype, rng, f"train step {i}")
    e.eval()
    t.eval()
    for i in range(2):
        _step(e, t, shape, dtype, rng, f"eval step {i}")


@pytest.mark.parametrize("name", list(LAYERS))
def test_state_dict_keys_shapes_dtypes_and_repr_equal_torch(name: str) -> None:
    build, _ = LAYERS[name]
    e, t = build(nn), build(torch.nn)
    e_state, t_state = e.state_dict(), t.state_dict()
    assert [(k, tuple(v.shape)) for k, v in e_state.items()] == [(k, tuple(v.shape)) for k, v in t_state.items()]
    assert [v.dtype.name for v in e_state.values()] == [str(v.dtype).removeprefix("torch.") for v in t_state.values()]
    for k in e_state:
        np.testing.assert_array_equal(e_state[k].numpy(), t_state[k].numpy(), err_msg=k)
    assert repr(e) == repr(t)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]


def test_momentum_none_is_the_cumulative_average_of_the_batch_statistics() -> None:
    bn = nn.BatchNorm1d(2, momentum=None)
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((5, 2)) * 3 + 1 for _ in range(4)]
    for b in batches:
        bn(ember.tensor(b, dtype=ember.float32))
    assert bn.num_batches_tracked.item() == 4 and bn.num_batches_tracked.dtype is ember.int64
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean([b.mean(0) for b in batches], 0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), np.mean([b.var(0, ddof=1) for b in batches], 0), rtol=1e-5)


def test_running_statistics_update_in_place_and_bump_the_version() -> None:
    bn = nn.BatchNorm2d(3)
    mean, var = bn.running_mean, bn.running_var
    v0 = mean._version
    bn(ember.randn(4, 3, 2, 2))
    assert bn.running_mean is mean and bn.running_var is var
    assert mean._version > v0 and not np.allclose(mean.numpy(), 0)
    before = mean.numpy().copy()
    bn.eval()
    bn(ember.randn(4, 3, 2, 2))
    np.testing.assert_array_equal(mean.numpy(), before)
    assert bn.num_batches_tracked.item() == 1


def test_untracked_batch_norm_in_eval_mode_normalises_with_the_batch_statistics() -> None:
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False).eval()
    data = np.random.default_rng(0).standard_normal((10, 3)) * 4 + 2
    y = bn(ember.tensor(data)).numpy()
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-15)
    variance = data.var(0)
    np.testing.assert_allclose(y.var(0), variance / (variance + bn.eps), rtol=1e-12)


def test_reset_running_stats_and_load_without_num_batches_tracked() -> None:
    bn = nn.BatchNorm1d(2)
    bn(ember.randn(4, 2))
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(2, np.float32))
    state = {k: v for k, v in torch.nn.BatchNorm1d(2).state_dict().items() if k != "num_batches_tracked"}
    result = nn.BatchNorm1d(2).load_state_dict(state)
    assert not result.missing_keys and not result.unexpected_keys


def test_batch_norm_followed_by_an_in_place_relu_still_differentiates() -> None:
    """The fused node keeps x and two small statistics, not its output, so changing the
    output in place afterwards (BN -> ReLU(inplace=True)) is harmless, as in torch."""
    x = np.random.default_rng(3).standard_normal((6, 4))
    grads = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        bn = (nn if lib is ember else torch.nn).BatchNorm1d(4, affine=False).double()
        bn(xt).relu_().sum().backward()
        grads.append(xt.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "build, shape, name",
    [(lambda m: m.BatchNorm1d(3), (4, 3), "NativeBatchNormBackward0"),
     (lambda m: m.LayerNorm(3), (4, 3), "NativeLayerNormBackward0"),
     (lambda m: m.GroupNorm(1, 3), (4, 3), "NativeGroupNormBackward0")],
)
def test_node_names_are_torchs(build: Callable, shape: tuple[int, ...], name: str) -> None:
    out = build(nn)(ember.randn(*shape, requires_grad=True))
    assert out.grad_fn.name() == name == build(torch.nn)(torch.randn(*shape, requires_grad=True)).grad_fn.name()


@pytest.mark.parametrize(
    "fn",
    [
        lambda L, m: m.BatchNorm1d(4)(L.randn(2, 3)),
        lambda L, m: m.BatchNorm1d(4).eval()(L.randn(2, 3, 5)),
        lambda L, m: m.BatchNorm2d(2)(L.randn(2, 3, 4, 4)),
        lambda L, m: m.BatchNorm1d(4, affine=False)(L.randn(2, 3)),
        lambda L, m: m.BatchNorm1d(3)(L.randn(1, 3)),
        lambda L, m: m.BatchNorm1d(3)(L.randn(2, 3, 4, 4)),
        lambda L, m: m.BatchNorm2d(3)(L.randn(2, 3, 4)),
        lambda L, m: m.GroupNorm(2, 3),
        lambda L, m: m.LayerNorm(4)(L.randn(2, 3)),
        lambda L, m: m.LayerNorm([2, 3])(L.randn(3, 2)),
        lambda L, m: m.GroupNorm(2, 4)(L.randn(2, 6, 3)),
        lambda L, m: m.GroupNorm(4, 4)(L.randn(1, 4)),
        lambda L, m: m.GroupNorm(2, 2)(L.randn(4)),
        lambda L, m: m.BatchNorm1d(3)(L.randn(4, 3, dtype=L.float64)),
        lambda L, m: m.BatchNorm1d(3).eval()(L.randn(4, 3, dtype=L.float64)),
        lambda L, m: m.LayerNorm(3)(L.randn(4, 3, dtype=L.float64)),
        lambda L, m: m.GroupNorm(1, 3)(L.randn(4, 3, dtype=L.float64)),
    ],
)
def test_module_errors_match_torch(fn: Callable) -> None:
    """Same exception type and message (torch prints a size as torch.Size([...]); ember's
    dtype message goes on to name the dtypes and the fix)."""
    results = []
    for lib, mod in ((ember, nn), (torch, torch.nn)):
        with pytest.raises(Exception) as info:
            fn(lib, mod)
        results.append((info.type, str(info.value).replace("torch.Size(", "").replace("])", "]")))
    assert results[0][0] is results[1][0]
    assert results[0][1].startswith(results[1][1].rstrip(".")), results


def test_only_needed_gradients_and_frozen_parameters() -> None:
    """A frozen affine parameter gets no gradient; the others still match torch."""
    x = np.random.default_rng(5).standard_normal((4, 3, 2))
    e, t = nn.BatchNorm1d(3).double(), torch.nn.BatchNorm1d(3).double()
    e.weight.requires_grad_(False)
    t.weight.requires_grad_(False)
    ex, tx = ember.tensor(x), torch.tensor(x)
    (e(ex) ** 2).sum().backward()
    (t(tx) ** 2).sum().backward()
    assert e.weight.grad is None
    np.testing.assert_allclose(e.bias.grad.numpy(), t.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_dtype_argument_and_module_to() -> None:
    bn = nn.BatchNorm2d(2, dtype=ember.float64)
    assert bn.weight.dtype is ember.float64 and bn.running_mean.dtype is ember.float64
    assert bn.num_batches_tracked.dtype is ember.int64
    ln = nn.LayerNorm(3).double()
    assert ln(ember.randn(2, 3, dtype=ember.float64)).dtype is ember.float64
    gn = nn.GroupNorm(1, 2, dtype=ember.float64)
    assert gn.weight.dtype is ember.float64
    assert nn.BatchNorm1d(2).double().num_batches_tracked.dtype is ember.int64


@pytest.mark.parametrize("shape", [(4096, 8), (1024, 8, 3), (16, 4, 32, 32)])
def test_batch_norm_float32_stays_accurate_far_from_zero(shape: tuple[int, ...]) -> None:
    """Data of mean 1000 and std 1 in float32: the batch sums gather rounding error down the
    batch axis; ember takes it out with a second pass over the centred values, so its output
    is within 1e-5 of the float64 result (torch's is off by up to 5e-4 on the first shape)."""
    x = (np.random.default_rng(8).standard_normal(shape) + 1000).astype(np.float32)
    bn = nn.BatchNorm1d(shape[1]) if len(shape) < 4 else nn.BatchNorm2d(shape[1])
    y = bn(ember.tensor(x)).detach().numpy()
    axes = (0,) + tuple(range(2, len(shape)))
    x64 = x.astype(np.float64)
    mean = x64.mean(axes)
    expected = (x64 - mean.reshape((1, -1) + (1,) * (len(shape) - 2))) / np.sqrt(x64.var(axes) + 1e-5).reshape((1, -1) + (1,) * (len(shape) - 2))
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * mean, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", [n for n in LAYERS if n.startswith("bn") and "untracked" not in n])
def test_batch_norm_inference_without_a_graph_matches_torch(name: str, dtype: str) -> None:
    build, shape = LAYERS[name]
    e, t = build(nn).to(getattr(ember, dtype)), build(torch.nn).to(getattr(torch, dtype))
    _randomise(e, seed=3)
    share_weights(e, t, "ember->torch")
    e.eval()
    t.eval()
    x = np.random.default_rng(9).uniform(-3, 3, shape).astype(dtype)
    with ember.no_grad():
        out = e(ember.tensor(x))
    assert not out.requires_grad and out.dtype.name == dtype
    _close(out.numpy(), t(torch.tensor(x)).detach().numpy(), dtype, "output")


@pytest.mark.parametrize(
    "build, shape",
    [(lambda m: m.BatchNorm1d(3), (0, 3)), (lambda m: m.LayerNorm(5), (0, 5)), (lambda m: m.GroupNorm(1, 2), (0, 2, 3))],
)
def test_empty_batch_gives_empty_output_zero_gradients_and_unchanged_statistics(build: Callable, shape: tuple[int, ...]) -> None:
    results = []
    for lib, mod in ((ember, nn), (torch, torch.nn)):
        layer = build(mod)
        x = lib.zeros(*shape, requires_grad=True)
        y = layer(x)
        y.sum().backward()
        results.append([tuple(y.shape), tuple(x.grad.shape)] + [t.detach().numpy().tolist() for t in layer.state_dict().values()]
                       + [p.grad.numpy().tolist() for p in layer.parameters()])
    assert results[0] == results[1]
