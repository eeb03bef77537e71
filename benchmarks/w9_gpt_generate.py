"""W9: generation from the `ember demo gpt` model, with and without the key/value cache.

The model is the demo's GPT (2 layers, 4 heads, width 64, context 64, vocabulary 62, float32)
from one random initialisation. One step = `model.generate(prompt, 128)` from a prompt of 8
tokens, greedy (temperature 0, so every implementation must produce the same tokens), batch 1.
128 new tokens outgrow the context of 64, so the context slides three times (see
`GPT.context_start`): the cached runs pay a new prefill of 32 tokens at each slide, the uncached
runs rerun the whole context (up to 64 positions) for every token.

ember and torch run the same source: torch's model is gpt_model.py executed with torch in
ember's place (`ember.demos._torch_twin`), holding the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from harness import Impl, Measurement, Workload

SIZES = {"vocab_size": 62, "block_size": 64, "n_layer": 2, "n_head": 4, "n_embd": 64}
PROMPT_TOKENS, NEW_TOKENS = 8, 128
SEED = 0
IMPLS = {f"{lib}, {'cache' if cache else 'no cache'}": (lib, cache) for lib in ("ember", "torch") for cache in (False, True)}


@dataclass(frozen=True)
class Inputs:
    weights: dict[str, np.ndarray]
    prompt: np.ndarray


def make_inputs(quick: bool) -> Inputs:
    import ember
    from ember.demos.gpt_model import GPT, GPTConfig

    ember.manual_seed(SEED)
    weights = {k: v.numpy().copy() for k, v in GPT(GPTConfig(**SIZES)).state_dict().items()}
    prompt = np.random.default_rng(SEED).integers(0, SIZES["vocab_size"], (1, PROMPT_TOKENS))
    return Inputs(weights, prompt)


class Generation:
    """The loop a user writes: load the weights, then generate; `lib` is torch or ember, `module`
    the gpt_model module written against it."""

    def __init__(self, inputs: Inputs, lib: Any, module: Any, use_cache: bool) -> None:
        self.model = module.GPT(module.GPTConfig(**SIZES)).eval()
        self.model.load_state_dict({k: lib.tensor(v) for k, v in inputs.weights.items()})
        self.prompt = lib.tensor(inputs.prompt, dtype=lib.long)
        self.use_cache = use_cache
        self.tokens: list[int] = []

    def step(self) -> None:
        out = self.model.generate(self.prompt, NEW_TOKENS, temperature=0, use_cache=self.use_cache)
        self.tokens = out[0, PROMPT_TOKENS:].tolist()

    def result(self) -> list[int]:
        return self.tokens


def generation(lib_name: str, use_cache: bool) -> Callable[[Inputs], Generation]:
    """The implementation's `make`: ember's model, or torch's twin of it, generating."""

    def make(inputs: Inputs) -> Generation:
        import ember
        from ember.demos import gpt_model
        from ember.demos._torch_twin import torch_twin

        if lib_name == "ember":
            return Generation(inputs, ember, gpt_model, use_cache)
        import torch

        return Generation(inputs, torch, torch_twin(gpt_model), use_cache)

    return make


def agree(ref: list[int], out: list[int]) -> str:
    if ref == out:
        return f"yes (the same {len(out)} tokens)"
    first = next((i for i, (a, b) in enumerate(zip(ref, out)) if a != b), min(len(ref), len(out)))
    return f"NO (tokens differ from position {first})"


def tokens_per_second(m: Measurement) -> float:
    return NEW_TOKENS / m.median


def goals(ms: dict[str, Measurement]) -> list[str]:
    """Tokens per second of each implementation, and what the cache buys each library."""
    lines = [f"{name}: {tokens_per_second(ms[name]):.0f} tokens/s" for name in IMPLS if ms[name].median]
    for lib in ("ember", "torch"):
        cached, uncached = ms[f"{lib}, cache"].median, ms[f"{lib}, no cache"].median
        if cached and uncached:
            lines.append(f"{lib}: the cache generates {uncached / cached:.1f}x as many tokens per second")
    return lines


WORKLOAD = Workload(
    key="W9",
    title="GPT generation, 128 tokens, with and without the KV cache",
    description=(
        "`generate(prompt, 128, temperature=0)` from 8 tokens, batch 1, with the `ember demo gpt` "
        "model (2 layers, 4 heads, width 64, context 64, vocabulary 62, float32, random weights), with "
        "use_cache=True (one position per step, a new 32-token prefill at each of the 3 slides) and "
        "False (the whole context, up to 64 positions, every step). torch runs the same source."
    ),
    unit="ms/token",
    seconds_per_unit=1e-3 * NEW_TOKENS,
    reference="ember, no cache",
    inputs=make_inputs,
    impls=[
        Impl(name, generation(lib_name, use_cache), steps=8, quick_steps=1)
        for name, (lib_name, use_cache) in IMPLS.items()
    ],
    agree=agree,
    goals=goals,
)
