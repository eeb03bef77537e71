"""A GPT (Radford et al. 2018/2019) written as a PyTorch user writes one, with ember in torch's place.

This file imports nothing but ember, under the names torch code uses, so the same source with
`torch` in place of `ember` is a torch model (the tests build that twin and load this model's
state_dict into it). The network, for tokens x_1..x_T:

    h_0 = E_tok[x_t] + E_pos[t]                                    (token and position embeddings)
    h_l = h'_l + MLP(LN(h'_l)),  h'_l = h_{l-1} + Attn(LN(h_{l-1}))   (N pre-LayerNorm blocks)
    logits = LN(h_N) W_head^T                                     (next-token scores)

    Attn(x) = concat_heads(softmax(Q K^T / sqrt(d) + M) V) W_o^T,  Q, K, V = x W_q^T, x W_k^T, x W_v^T
    MLP(x)  = GELU(x W_1^T + b_1) W_2^T + b_2                     (hidden width 4 n_embd)

where d = n_embd / n_head and the causal mask M is 0 where key j <= query i and -inf after it.

Generation keeps a key/value cache (`KVCache`): the keys and values of the positions already seen
do not change, so each new token runs the network on that one position, attending to the T cached
keys, instead of re-running all T positions of the context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import ember as torch
import ember.nn as nn
import ember.nn.functional as F


@dataclass
class GPTConfig:
    """The sizes of a GPT: vocabulary, context length (block_size), depth, heads and width."""

    vocab_size: int
    block_size: int = 64
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    dropout: float = 0.0


class LayerCache:
    """The keys and values (B, n_head, T, head_dim) that one attention layer has seen so far."""

    def __init__(self) -> None:
        self.keys: Optional[torch.Tensor] = None
        self.values: Optional[torch.Tensor] = None

    def __len__(self) -> int:
        return 0 if self.keys is None else self.keys.size(2)

    def append(self, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Add the new positions' keys and values; return all keys and values so far."""
        if self.keys is not None:
            keys = torch.cat([self.keys, keys], dim=2)
            values = torch.cat([self.values, values], dim=2)
        self.keys, self.values = keys, values
        return keys, values


class KVCache:
    """One LayerCache per block; its length is the number of positions cached."""

    def __init__(self, n_layer: int) -> None:
        self.layers = [LayerCache() for _ in range(n_layer)]

    def __len__(self) -> int:
        return len(self.layers[0])


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position i attends to positions j <= i only."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if config.n_embd % config.n_head:
            raise ValueError(f"n_embd ({config.n_embd}) must be a multiple of n_head ({config.n_head})")
        self.n_head = config.n_head
        self.dropout = config.dropout
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, cache: Optional[LayerCache] = None) -> torch.Tensor:
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.size(2)
        # the T queries are the last T of the S positions: query i sees keys j <= S - T + i
        causal = T == S
        mask = None if causal or T == 1 else torch.ones(T, S, dtype=torch.bool).tril(S - T)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0, is_causal=causal
        )
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.proj(y))


class MLP(nn.Module):
    """GELU(x W_1^T + b_1) W_2^T + b_2 with a hidden width of 4 n_embd."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU()
        self.proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.proj(self.gelu(self.fc(x))))


class Block(nn.Module):
    """x + Attn(LN(x)), then x + MLP(LN(x)): a pre-LayerNorm transformer block."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, cache: Optional[LayerCache] = None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token and position embeddings, N blocks, a final LayerNorm and a linear head to the vocabulary.

    Weights start from N(0, 0.02), biases at 0, and the projections that write into the residual
    stream (attn.proj, mlp.proj) from N(0, 0.02 / sqrt(2 n_layer)), as GPT-2 does, so that the
    residual's variance does not grow with depth.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)
        self.pos_emb = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(
        self, idx: torch.Tensor, targets: Optional[torch.Tensor] = None, cache: Optional[KVCache] = None
    ) -> tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Logits (B, T, vocab_size) for token ids idx (B, T), and the mean cross-entropy against
        `targets` (B, T) when given. With a cache, idx continues the cached positions and their
        keys and values join the cache."""
        B, T = idx.size()
        past = 0 if cache is None else len(cache)
        if past + T > self.config.block_size:
            raise ValueError(f"cannot run {past} cached + {T} new positions; block_size is {self.config.block_size}")
        pos = torch.arange(past, past + T, dtype=torch.long)
        x = self.drop(self.tok_emb(idx) + self.pos_emb(pos))
        layer_caches = [None] * len(self.blocks) if cache is None else cache.layers
        for block, layer_cache in zip(self.blocks, layer_caches):
            x = block(x, layer_cache)
        logits = self.head(self.ln_f(x))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))

    def context_start(self, length: int, start: int) -> int:
        """Where the context of a sequence of `length` tokens begins, given that it began at `start`.

        The model sees at most block_size positions, so when the context outgrows them it slides
        forward to its newest ceil(block_size / 2) tokens. Sliding by half rather than by one keeps
        the cache useful: the positions of a slid context change, so its cache is rebuilt, once
        every block_size / 2 tokens. Cached and uncached generation share this rule, so they see
        the same context and agree token for token.
        """
        if length - start <= self.config.block_size:
            return start
        return length - (self.config.block_size + 1) // 2

    @torch.no_grad()
    def generate(
        self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
        top_k: Optional[int] = None, use_cache: bool = True,
    ) -> torch.Tensor:
        """Continue idx (B, T) by max_new_tokens tokens, each drawn from softmax(logits / temperature)
        over the top_k most likely tokens (all when None; temperature 0 takes the most likely one).

        A prompt longer than block_size is cut to its last block_size tokens; the context then
        slides as `context_start` says. With use_cache, a step runs only the tokens the cache lacks
        (one, except right after a slide); without, it reruns the whole context.
        """
        start = max(0, idx.size(1) - self.config.block_size)
        cache, cache_start = None, start
        for _ in range(max_new_tokens):
            start = self.context_start(idx.size(1), start)
            if use_cache and (cache is None or cache_start != start):
                cache, cache_start = KVCache(len(self.blocks)), start
            cached = 0 if cache is None else len(cache)
            logits, _ = self(idx[:, start + cached:], cache=cache)
            idx = torch.cat([idx, self.sample(logits[:, -1, :], temperature, top_k)], dim=1)
        return idx

    @staticmethod
    def sample(logits: torch.Tensor, temperature: float = 1.0, top_k: Optional[int] = None) -> torch.Tensor:
        """One token id (B, 1) per row of logits (B, vocab_size), as `generate` describes."""
        if temperature == 0:
            return logits.argmax(dim=-1, keepdim=True)
        logits = logits / temperature
        if top_k is not None:
            kth_largest = logits.topk(min(top_k, logits.size(-1))).values[:, -1:]
            logits = logits.masked_fill(logits < kth_largest, float("-inf"))
        return torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
