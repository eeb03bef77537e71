"""`ember demo gpt`, run tiny: it learns, writes its figure and checkpoint, and samples; its data."""

import math

import pytest
import torch

import ember
from ember import demos
from ember.demos import gpt
from ember.demos.gpt_data import CharTokenizer, CharWindows, load_text, split_text
from ember.demos.gpt_model import GPT, GPTConfig

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_the_tiny_gpt_learns_saves_and_samples(tmp_path, capsys):
    config = GPTConfig(vocab_size=62, block_size=16, n_layer=1, n_head=2, n_embd=32)
    result = gpt.run(steps=80, out=tmp_path, progress=False, config=config, batch_size=16,
                     eval_every=40, sample_length=30)
    uniform = math.log(62)
    assert result["uniform_loss"] == pytest.approx(uniform)
    assert [step for step, _, _ in result["evals"]] == [0, 40, 80]
    assert result["losses"][0] == pytest.approx(uniform, abs=0.1)
    assert result["evals"][0][1:] == pytest.approx((uniform, uniform), abs=0.1)
    assert result["train_loss"] < 0.75 * uniform and result["val_loss"] < 0.75 * uniform
    assert result["evals"][2][2] < result["evals"][1][2]

    (figure,) = result["figures"]
    assert figure == tmp_path / "gpt_loss.png" and figure.read_bytes()[:8] == PNG_MAGIC
    for checkpoint in (ember.load(result["checkpoint"]), torch.load(result["checkpoint"])):
        assert checkpoint["config"]["block_size"] == 16 and len(checkpoint["chars"]) == 62
        model = GPT(GPTConfig(**checkpoint["config"]))
        model.load_state_dict({k: ember.tensor(v.numpy()) for k, v in checkpoint["model"].items()})

    assert [len(sample) for sample in result["samples"]] == [len(p) + 30 for p in gpt.PROMPTS]
    assert all(sample.startswith(p) for sample, p in zip(result["samples"], gpt.PROMPTS))
    printed = capsys.readouterr().out
    assert str(figure) in printed and str(result["checkpoint"]) in printed
    assert result["samples"][1] in printed and "characters/s with the key/value cache" in printed


def test_runs_with_the_same_seed_repeat(tmp_path):
    config = GPTConfig(vocab_size=62, block_size=8, n_layer=1, n_head=1, n_embd=8)
    a, b = (gpt.run(steps=3, out=tmp_path, progress=False, config=config, batch_size=4,
                    sample_length=5, seed=3) for _ in range(2))
    assert a["losses"] == b["losses"] and a["samples"] == b["samples"]


def test_the_text_tokenizer_and_windows():
    text = load_text()
    assert 150_000 < len(text) < 250_000 and text.startswith("First Citizen:")
    tokenizer = CharTokenizer(text)
    assert tokenizer.vocab_size == 62 and tokenizer.chars[0] == "\n"
    assert tokenizer.decode(tokenizer.encode("MENENIUS:\nWhy, masters")) == "MENENIUS:\nWhy, masters"
    train, val = split_text(text, tokenizer, 0.1)
    assert len(train) + len(val) == len(text) and len(val) == pytest.approx(0.1 * len(text), abs=1)
    windows = CharWindows(train, block_size=5)
    x, y = windows[7]
    assert len(windows) == len(train) - 5
    assert tokenizer.decode(x.tolist()) == text[7:12] and tokenizer.decode(y.tolist()) == text[8:13]
    with pytest.raises(ValueError, match="need more than block_size=5 tokens, got 5"):
        CharWindows(train[:5], block_size=5)


def test_weight_decay_spares_biases_and_layernorms():
    model = GPT(GPTConfig(vocab_size=10, block_size=4, n_layer=1, n_head=1, n_embd=4))
    decayed, spared = gpt.configure_optimizer(model, 1e-3).param_groups
    assert decayed["weight_decay"] == gpt.WEIGHT_DECAY and spared["weight_decay"] == 0.0
    assert all(p.dim() == 2 for p in decayed["params"]) and all(p.dim() == 1 for p in spared["params"])
    assert len(decayed["params"]) + len(spared["params"]) == len(list(model.parameters()))


def test_registered():
    assert "gpt" in demos.DEMOS and demos.load("gpt") is gpt


def test_the_command_line_runs_it(tmp_path, capsys, monkeypatch):
    from ember.cli import main

    monkeypatch.setattr(gpt, "MODEL_SIZES", {"block_size": 8, "n_layer": 1, "n_head": 1, "n_embd": 8})
    monkeypatch.setattr(gpt, "PROMPTS", ("MENENIUS:\n",))
    assert main(["demo", "gpt", "--epochs", "2", "--seed", "1", "--out", str(tmp_path), "--no-progress"]) == 0
    assert (tmp_path / "gpt_loss.png").is_file() and (tmp_path / "gpt.pt").is_file()
    assert "--- sample (prompt 'MENENIUS:\\n'" in capsys.readouterr().out
