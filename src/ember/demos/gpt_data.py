"""The GPT demo's data: Shakespeare's text, its characters as tokens, and training windows.

data/shakespeare.txt is the first 200 KB of the tiny-shakespeare collection of speeches from
Shakespeare's plays (public domain), as karpathy/char-rnn ships it in
data/tinyshakespeare/input.txt: Coriolanus and the start of Richard III, 62 distinct characters.
"""

from __future__ import annotations

from importlib import resources
from typing import Sequence

import ember
from ember.utils.data import Dataset

TEXT_FILE = "shakespeare.txt"


def load_text(name: str = TEXT_FILE) -> str:
    """A text shipped in ember/demos/data/."""
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


class CharTokenizer:
    """Each distinct character of a text is a token; ids follow the characters' sorted order."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        return [self.index[c] for c in text]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)


class CharWindows(Dataset):
    """Window i of a token sequence: the inputs tokens[i : i + block_size] and the targets one
    step ahead, tokens[i + 1 : i + block_size + 1] (each target is the next token)."""

    def __init__(self, tokens: ember.Tensor, block_size: int) -> None:
        if len(tokens) <= block_size:
            raise ValueError(f"need more than block_size={block_size} tokens, got {len(tokens)}")
        self.tokens = tokens
        self.block_size = block_size

    def __len__(self) -> int:
        return len(self.tokens) - self.block_size

    def __getitem__(self, i: int) -> tuple[ember.Tensor, ember.Tensor]:
        chunk = self.tokens[i : i + self.block_size + 1]
        return chunk[:-1], chunk[1:]


def split_text(text: str, tokenizer: CharTokenizer, val_fraction: float) -> tuple[ember.Tensor, ember.Tensor]:
    """The encoded text as int64 tensors: the first 1 - val_fraction to train on, the rest to
    validate on (a contiguous tail, so no validation window overlaps a training one)."""
    tokens = ember.tensor(tokenizer.encode(text), dtype=ember.long)
    cut = int(len(tokens) * (1 - val_fraction))
    return tokens[:cut], tokens[cut:]
