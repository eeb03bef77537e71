"""ember.demos.gpt_model: the GPT against its torch twin, and generation with and without the cache.

The twin is gpt_model.py itself, executed with `ember`, `ember.nn` and `ember.nn.functional`
resolving to torch's modules (`torch_twin`): the same source is a torch model.
"""

import sys

import numpy as np
import pytest
import torch

import ember
from ember.demos import gpt_model
from ember.demos._torch_twin import torch_twin
from ember.demos.gpt_model import GPT, GPTConfig, KVCache, LayerCache

CONFIG = GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)
TOLERANCES = {"float64": (1e-12, 1e-14), "float32": (1e-5, 1e-7)}


@pytest.fixture(scope="module")
def twin():
    module = torch_twin(gpt_model)
    assert module.torch is torch and module.F is torch.nn.functional and module.GPT is not GPT
    assert sys.modules["ember"] is ember
    return module


def make_pair(twin, dtype: str) -> tuple[GPT, torch.nn.Module]:
    """An ember GPT with a random (non-trivial) LayerNorm, and its torch twin holding the same weights."""
    model = GPT(CONFIG).to(getattr(ember, dtype))
    for name, p in model.named_parameters():
        if name.split(".")[-2].startswith("ln"):
            ember.nn.init.normal_(p, mean=1.0 if name.endswith("weight") else 0.0, std=0.3)
    torch_model = twin.GPT(CONFIG).to(getattr(torch, dtype))
    torch_model.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return model, torch_model


def assert_close(ours: ember.Tensor, theirs: torch.Tensor, dtype: str) -> None:
    rtol, atol = TOLERANCES[dtype]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


def tokens(*shape: int) -> tuple[ember.Tensor, torch.Tensor]:
    ids = np.random.default_rng(0).integers(0, CONFIG.vocab_size, shape)
    return ember.tensor(ids, dtype=ember.long), torch.tensor(ids, dtype=torch.long)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_logits_loss_and_every_gradient_match_the_torch_twin(twin, dtype):
    model, torch_model = make_pair(twin, dtype)
    (x, tx), (y, ty) = tokens(3, CONFIG.block_size), tokens(3, CONFIG.block_size)
    logits, loss = model(x, y)
    torch_logits, torch_loss = torch_model(tx, ty)
    assert_close(logits, torch_logits, dtype)
    assert_close(loss, torch_loss, dtype)
    loss.backward()
    torch_loss.backward()
    torch_params = dict(torch_model.named_parameters())
    names = [name for name, _ in model.named_parameters()]
    assert names == list(torch_params) and len(names) == 4 + 12 * CONFIG.n_layer + 1
    for name, p in model.named_parameters():
        assert_close(p.grad, torch_params[name].grad, dtype)


def test_cached_forward_matches_the_twin_and_the_full_forward(twin):
    model, torch_model = make_pair(twin, "float64")
    x, tx = tokens(2, 7)
    full, _ = model(x)
    cache, torch_cache = KVCache(CONFIG.n_layer), twin.KVCache(CONFIG.n_layer)
    for lo, hi in [(0, 3), (3, 4), (4, 6), (6, 7)]:  # a prefill, one token, two at once, one
        step, _ = model(x[:, lo:hi], cache=cache)
        assert_close(step, torch_model(tx[:, lo:hi], cache=torch_cache)[0], "float64")
        assert_close(step, torch.from_numpy(full.detach().numpy()[:, lo:hi]), "float64")
        assert len(cache) == hi and all(layer.keys.shape == (2, 2, hi, 8) for layer in cache.layers)


def test_the_cache_refuses_to_outgrow_the_block_size():
    model = GPT(CONFIG)
    cache = KVCache(CONFIG.n_layer)
    model(ember.zeros(1, 6, dtype=ember.long), cache=cache)
    with pytest.raises(ValueError, match="cannot run 6 cached \\+ 3 new positions; block_size is 8"):
        model(ember.zeros(1, 3, dtype=ember.long), cache=cache)
    with pytest.raises(ValueError, match="cannot run 0 cached \\+ 9 new positions"):
        model(ember.zeros(1, 9, dtype=ember.long))


def test_greedy_generation_matches_the_twin_token_for_token(twin):
    model, torch_model = make_pair(twin, "float64")
    x, tx = tokens(2, 3)
    ours = model.generate(x, 20, temperature=0)
    assert ours.tolist() == torch_model.generate(tx, 20, temperature=0).tolist()
    assert ours.tolist() == model.generate(x, 20, temperature=0, use_cache=False).tolist()


def test_the_context_slides_by_half_a_block_when_full():
    model = GPT(CONFIG)  # block_size 8: a context that outgrows 8 tokens keeps its newest 4
    starts, start = [], 0
    for length in range(1, 20):
        start = model.context_start(length, start)
        starts.append(start)
        assert 1 <= length - start <= CONFIG.block_size
    assert starts == [0] * 8 + [5] * 5 + [10] * 5 + [15]


def record_steps(monkeypatch) -> list:
    """Patch LayerCache.append to log (new positions, cached positions after) of layer 0's calls."""
    calls = []
    append = LayerCache.append

    def logged(self, keys, values):
        out = append(self, keys, values)
        calls.append((keys.shape[2], out[0].shape[2]))
        return out

    monkeypatch.setattr(LayerCache, "append", logged)
    return calls


def head_outputs(model: GPT) -> list:
    """Record the logits of the newest position on every forward of the model's head."""
    seen = []
    model.head.register_forward_hook(lambda module, args, out: seen.append(out[:, -1].numpy().copy()))
    return seen


@pytest.mark.parametrize("prompt_length", [3, 11])
def test_cached_and_uncached_generation_draw_the_same_tokens_from_the_same_logits(prompt_length):
    model = GPT(CONFIG).double().eval()
    prompt, _ = tokens(2, prompt_length)
    logits = head_outputs(model)
    outs = []
    for use_cache in (True, False):
        ember.manual_seed(5)
        outs.append(model.generate(prompt, 18, temperature=1.3, top_k=6, use_cache=use_cache).tolist())
    assert outs[0] == outs[1]
    assert len(outs[0][0]) == prompt_length + 18
    cached, uncached = logits[:18], logits[18:]
    assert len(cached) == len(uncached) == 18
    # equal to rounding, not bit for bit: BLAS sums a lone row in another order than a row of a matrix
    np.testing.assert_allclose(np.array(cached), np.array(uncached), rtol=1e-12, atol=1e-14)


def test_the_cache_feeds_one_token_per_step_and_restarts_at_each_slide(monkeypatch):
    model = GPT(CONFIG).eval()
    steps = record_steps(monkeypatch)
    model.generate(ember.zeros(1, 3, dtype=ember.long), 14)
    layer0 = steps[:: CONFIG.n_layer]
    # a prompt of 3, one token a step up to 8, then a slide to the newest 4 (prefilled anew), ...
    assert layer0 == [(3, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (4, 4), (1, 5), (1, 6), (1, 7), (1, 8),
                      (4, 4), (1, 5), (1, 6)]
    assert max(total for _, total in steps) <= CONFIG.block_size


def test_sample_takes_the_top_k_and_temperature_zero_takes_the_argmax():
    logits = ember.tensor([[0.0, 3.0, 1.0, 2.0], [5.0, -1.0, 0.0, 4.9]])
    assert GPT.sample(logits, temperature=0).tolist() == [[1], [0]]
    draws = {tuple(GPT.sample(logits, temperature=5.0, top_k=2).flatten().tolist()) for _ in range(200)}
    assert {row for row, _ in draws} == {1, 3} and {row for _, row in draws} == {0, 3}
    assert GPT.sample(logits, top_k=50).shape == (2, 1)


def test_residual_projections_start_smaller():
    model = GPT(GPTConfig(vocab_size=50, n_layer=8, n_embd=64))
    stds = {name: p.detach().numpy().std() for name, p in model.named_parameters() if name.endswith("weight")}
    assert stds["blocks.0.attn.proj.weight"] == pytest.approx(0.02 / 4, rel=0.1)
    assert stds["blocks.0.mlp.fc.weight"] == pytest.approx(0.02, rel=0.1)
    assert "blocks.0.ln_1.weight" in stds and stds["blocks.0.ln_1.weight"] == 0.0
