"""A character-level GPT learns to write like Shakespeare, then writes with a key/value cache.

The model (gpt_model.py) is a small GPT-2: token and position embeddings, pre-LayerNorm blocks of
causal multi-head self-attention and a GELU MLP, a final LayerNorm and a linear head. It reads
200 KB of Shakespeare (gpt_data.py) one character at a time and learns to predict the next one:
the loss is the mean cross-entropy -log p(x_{t+1} | x_1..x_t), which starts at ln(vocab_size),
the loss of a uniform guess, and falls as it learns spelling, words and the layout of a play.

Training: AdamW (weight decay on the weight matrices only), a cosine learning rate from 3e-3 to
3e-4, gradients clipped to norm 1, batches of random windows drawn by a DataLoader. Every
`eval_every` steps (and before the first) it reports the loss on fixed batches of the training
text and of the held-out last 10%. Writes gpt_loss.png and the checkpoint gpt.pt (`ember.save`:
the state_dict, the config and the characters, which `torch.load` reads too), then prints
samples drawn with temperature and top_k through the cache.

    ember demo gpt --epochs 600 --seed 0 --out out/
"""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path
from typing import Optional, Sequence

import ember
from ember.nn.utils import clip_grad_norm_
from ember.optim.lr_scheduler import CosineAnnealingLR
from ember.utils.data import DataLoader, RandomSampler

from . import _common
from ._common import DEFAULT_OUT, PathLike, log
from .gpt_data import CharTokenizer, CharWindows, load_text, split_text
from .gpt_model import GPT, GPTConfig

DEFAULT_SEED = 0
DEFAULT_STEPS = 600
MODEL_SIZES = {"block_size": 64, "n_layer": 2, "n_head": 4, "n_embd": 64, "dropout": 0.0}
BATCH_SIZE = 32
LEARNING_RATE, MIN_LEARNING_RATE = 3e-3, 3e-4
WEIGHT_DECAY = 0.1
BETAS = (0.9, 0.99)
MAX_GRAD_NORM = 1.0
VAL_FRACTION = 0.1
EVAL_BATCHES = 4
PROMPTS = ("\n", "MENENIUS:\n")
TEMPERATURE, TOP_K = 0.8, 20

Batch = tuple[ember.Tensor, ember.Tensor]  # inputs and targets, (B, block_size) each


def configure_optimizer(model: GPT, lr: float) -> ember.optim.AdamW:
    """AdamW whose weight decay shrinks the matrices (linear and embedding weights) but leaves
    biases and LayerNorm gains alone, as GPT-2 trains."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": WEIGHT_DECAY},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return ember.optim.AdamW(groups, lr=lr, betas=BETAS)


def fixed_batches(windows: CharWindows, count: int, batch_size: int, seed: int) -> list[Batch]:
    """`count` batches of random windows, drawn once so every evaluation sees the same text."""
    sampler = RandomSampler(windows, replacement=True, num_samples=count * batch_size,
                            generator=ember.Generator().manual_seed(seed))
    return list(DataLoader(windows, batch_size=batch_size, sampler=sampler))


@ember.no_grad()
def estimate_loss(model: GPT, batches: Sequence[Batch]) -> float:
    """The mean loss over the batches, with the model in eval mode (no dropout)."""
    model.eval()
    loss = sum(model(x, y)[1].item() for x, y in batches) / len(batches)
    model.train()
    return loss


def write_samples(model: GPT, tokenizer: CharTokenizer, length: int) -> tuple[list[str], float]:
    """A continuation of each prompt, drawn with the cache; and the tokens generated per second."""
    model.eval()
    samples, seconds = [], 0.0
    for prompt in PROMPTS:
        idx = ember.tensor([tokenizer.encode(prompt)], dtype=ember.long)
        start = time.perf_counter()
        out = model.generate(idx, length, temperature=TEMPERATURE, top_k=TOP_K)
        seconds += time.perf_counter() - start
        samples.append(tokenizer.decode(out[0].tolist()))
    return samples, len(PROMPTS) * length / max(seconds, 1e-9)


def plot_losses(path: Path, losses: list[float], evals: list[tuple[int, float, float]], uniform: float) -> Path:
    """The loss of every training batch, the evaluations on fixed train and validation batches,
    and ln(vocab_size), the loss of a uniform guess."""
    fig, (ax,) = _common.figure()
    ax.plot(range(1, len(losses) + 1), losses, color="0.75", lw=0.8, label="training batch")
    steps = [step for step, _, _ in evals]
    ax.plot(steps, [train for _, train, _ in evals], "o-", label="train (fixed batches)")
    ax.plot(steps, [val for _, _, val in evals], "s-", label="validation")
    ax.axhline(uniform, color="k", ls="--", lw=0.8, label="uniform guess ln(vocab)")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("character-level GPT on Shakespeare")
    ax.grid(alpha=0.3)
    ax.legend()
    return _common.save_figure(fig, path)


def run(
    steps: int = DEFAULT_STEPS,
    seed: int = DEFAULT_SEED,
    out: PathLike = DEFAULT_OUT,
    progress: bool = True,
    config: Optional[GPTConfig] = None,
    batch_size: int = BATCH_SIZE,
    eval_every: int = 100,
    sample_length: int = 300,
) -> dict:
    """Train for `steps` AdamW steps, evaluate, save, sample; returns the losses, the samples,
    the paths written and timings. `config` defaults to MODEL_SIZES with the text's vocabulary."""
    folder = _common.output_dir(out)
    ember.manual_seed(seed)
    text = load_text()
    tokenizer = CharTokenizer(text)
    config = config or GPTConfig(vocab_size=tokenizer.vocab_size, **MODEL_SIZES)
    train_tokens, val_tokens = split_text(text, tokenizer, VAL_FRACTION)
    train_set = CharWindows(train_tokens, config.block_size)
    eval_sets = [fixed_batches(CharWindows(tokens, config.block_size), EVAL_BATCHES, batch_size, seed)
                 for tokens in (train_tokens, val_tokens)]
    sampler = RandomSampler(train_set, replacement=True, num_samples=steps * batch_size,
                            generator=ember.Generator().manual_seed(seed))
    loader = DataLoader(train_set, batch_size=batch_size, sampler=sampler)

    model = GPT(config)
    optimizer = configure_optimizer(model, LEARNING_RATE)
    schedule = CosineAnnealingLR(optimizer, T_max=steps, eta_min=MIN_LEARNING_RATE)
    uniform = math.log(config.vocab_size)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"GPT: {config.n_layer} layers, {config.n_head} heads, width {config.n_embd}, context "
        f"{config.block_size}, {n_params:,} parameters; {len(train_tokens):,} training characters, "
        f"vocabulary {config.vocab_size} (uniform guess: loss {uniform:.3f})")

    losses: list[float] = []
    evals: list[tuple[int, float, float]] = []

    def evaluate(step: int) -> None:
        evals.append((step, *(estimate_loss(model, batches) for batches in eval_sets)))
        log(f"step {step:4d}  train loss {evals[-1][1]:.3f}  val loss {evals[-1][2]:.3f}")

    evaluate(0)
    bar = _common.progress(loader, steps, "gpt", progress)
    start = time.perf_counter()
    for step, (x, y) in enumerate(bar, 1):
        _, loss = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if step % eval_every == 0 or step == steps:
            evaluate(step)
    seconds_per_step = (time.perf_counter() - start) / max(steps, 1)
    log(f"trained {steps} steps in {seconds_per_step * steps:.1f}s ({seconds_per_step * 1e3:.0f} ms/step)")

    figure = plot_losses(folder / "gpt_loss.png", losses, evals, uniform)
    checkpoint = folder / "gpt.pt"
    ember.save({"model": model.state_dict(), "config": dataclasses.asdict(config), "chars": tokenizer.chars},
               checkpoint)
    print(f"saved {checkpoint}")
    samples, tokens_per_second = write_samples(model, tokenizer, sample_length)
    for prompt, sample in zip(PROMPTS, samples):
        print(f"\n--- sample (prompt {prompt!r}, temperature {TEMPERATURE}, top_k {TOP_K}) ---\n{sample}")
    print(f"\n(sampled {tokens_per_second:.0f} characters/s with the key/value cache)")
    return {
        "losses": losses,
        "evals": evals,
        "train_loss": evals[-1][1],
        "val_loss": evals[-1][2],
        "uniform_loss": uniform,
        "samples": samples,
        "figures": [figure],
        "checkpoint": checkpoint,
        "seconds_per_step": seconds_per_step,
        "tokens_per_second": tokens_per_second,
    }
