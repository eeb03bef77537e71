"""The Transformer of "Attention Is All You Need" with torch's module names and semantics.

An encoder layer maps x (post-norm, the default, or pre-norm with `norm_first=True`):

    post-norm:  x = LN1(x + SA(x));       x = LN2(x + FF(x))
    pre-norm:   x = x + SA(LN1(x));       x = x + FF(LN2(x))

with SA(x) = dropout1(self_attn(x, x, x)) and FF(x) = dropout2(linear2(dropout(act(linear1(x))))).
A decoder layer adds cross-attention on the encoder output m between the two,
CA(x) = dropout2(multihead_attn(x, m, m)), normalised by norm2 (and FF by norm3, dropout3).
Stacks (`TransformerEncoder`, `TransformerDecoder`) apply deep copies of one layer in turn, then
an optional final norm; `Transformer` joins an encoder and a decoder, each ending in a LayerNorm.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Optional, Union

import numpy as np

from ... import _creation, _dtype
from ...autograd.grad_mode import is_grad_enabled
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from .activation import GELU, ReLU
from ..functional.multi_head_attention import as_float_mask as _as_float_mask
from .activation_attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer"]

Activation = Union[str, Callable[[Tensor], Tensor]]


def _activation(activation: Activation) -> Callable[[Tensor], Tensor]:
    """"relu" / "gelu" as the functional form; a callable (function or Module) as it is."""
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return activation


def _nested_fast_path_layer(layer: Module) -> bool:
    """Whether torch's TransformerEncoder would use nested tensors for copies of `layer`."""
    if not isinstance(layer, TransformerEncoderLayer) or layer.norm_first:
        return False
    attn = layer.self_attn
    relu_or_gelu = layer.activation in (F.relu, F.gelu) or isinstance(layer.activation, (ReLU, GELU))
    return (attn.batch_first and attn._qkv_same_embed_dim and attn.in_proj_bias is not None and relu_or_gelu
            and layer.norm1.eps == layer.norm2.eps and attn.num_heads % 2 == 0)


class _FeedForwardLayer(Module):
    """What encoder and decoder layers share: linear1 -> activation -> dropout -> linear2, and
    the self-attention block; `n_norms` LayerNorms and dropouts (norm1.., dropout1..)."""

    def __init__(
        self, d_model: int, nhead: int, dim_feedforward: int, dropout: float, activation: Activation,
        layer_norm_eps: float, batch_first: bool, norm_first: bool, bias: bool, n_norms: int, device: Any,
        dtype: Optional[_dtype.dtype],
    ) -> None:
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        if n_norms == 3:
            self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        for i in range(1, n_norms + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        for i in range(1, n_norms + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))
        self.activation = _activation(activation)

    def _sa_block(self, x: Tensor, attn_mask: Optional[Tensor], key_padding_mask: Optional[Tensor], is_causal: bool) -> Tensor:
        """dropout1(self_attn(x, x, x))."""
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor, out_dropout: Dropout) -> Tensor:
        """out_dropout(linear2(dropout(activation(linear1(x)))))."""
        return out_dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoderLayer(_FeedForwardLayer):
    """Self-attention then a feed-forward network, each with a residual connection and a
    LayerNorm (after the sum, or before the block with `norm_first=True`)."""

    def __init__(
        self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1, activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False, bias: bool = True,
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                         bias, 2, device, dtype)

    def forward(
        self, src: Tensor, src_mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
        is_causal: bool = False,
    ) -> Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_FeedForwardLayer):
    """Self-attention on the target, cross-attention on the encoder output `memory`, then a
    feed-forward network; each with a residual connection and a LayerNorm (norm1..norm3)."""

    def __init__(
        self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1, activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False, bias: bool = True,
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                         bias, 3, device, dtype)

    def _mha_block(self, x: Tensor, memory: Tensor, attn_mask: Optional[Tensor], key_padding_mask: Optional[Tensor],
                   is_causal: bool) -> Tensor:
        """dropout2(multihead_attn(x, memory, memory))."""
        x = self.multihead_attn(x, memory, memory, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)[0]
        return self.dropout2(x)

    def forward(
        self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None, memory_mask: Optional[Tensor] = None,
        tgt_key_padding_mask: Optional[Tensor] = None, memory_key_padding_mask: Optional[Tensor] = None,
        tgt_is_causal: bool = False, memory_is_causal: bool = False,
    ) -> Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x, self.dropout3))


class TransformerEncoder(Module):
    """`num_layers` deep copies of `encoder_layer` applied in turn, then `norm` if given."""

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm: Optional[Module] = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor and _nested_fast_path_layer(encoder_layer)
        self.mask_check = mask_check

    def forward(self, src: Tensor, mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
                is_causal: Optional[bool] = None) -> Tensor:
        """The layers in turn, then `norm`. Where torch's inference path packs the batch into a
        nested tensor (see `_zeroes_padding`), padded positions leave the layers as 0, as there."""
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        if self._zeroes_padding(src, mask, src_key_padding_mask):
            keep = _as_float_mask(src_key_padding_mask, src.dtype) == 0
            output = output * keep.unsqueeze(-1).to(output.dtype)
        return self.norm(output) if self.norm is not None else output

    def _zeroes_padding(self, src: Tensor, mask: Optional[Tensor], padding: Optional[Tensor]) -> bool:
        """torch's conditions for its nested-tensor path: set up for it (`use_nested_tensor`), eval
        mode, a batched input, a padding mask whose kept positions come first, no attention mask,
        and no gradient to record (for the input or the first layer's parameters)."""
        if not self.use_nested_tensor or self.layers[0].training or src.dim() != 3 or padding is None or mask is not None:
            return False
        kept = (_as_float_mask(padding, src.dtype) == 0).numpy()
        if np.any(kept[:, 1:] & ~kept[:, :-1]):  # a kept position after a padded one: not left-aligned
            return False
        tracked = [src, *self.layers[0].parameters()]
        return not (is_grad_enabled() and any(t.requires_grad for t in tracked))


class TransformerDecoder(Module):
    """`num_layers` deep copies of `decoder_layer` applied in turn to (tgt, memory), then `norm`."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Optional[Module] = None) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None, memory_mask: Optional[Tensor] = None,
        tgt_key_padding_mask: Optional[Tensor] = None, memory_key_padding_mask: Optional[Tensor] = None,
        tgt_is_causal: Optional[bool] = None, memory_is_causal: bool = False,
    ) -> Tensor:
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal)
        return self.norm(output) if self.norm is not None else output


class Transformer(Module):
    """An encoder stack on `src` and a decoder stack on `tgt` attending to the encoder output.

    Every parameter with more than one dimension is re-initialised xavier-uniform, as torch's.
    """

    def __init__(
        self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6, num_decoder_layers: int = 6,
        dim_feedforward: int = 2048, dropout: float = 0.1, activation: Activation = F.relu,
        custom_encoder: Optional[Module] = None, custom_decoder: Optional[Module] = None, layer_norm_eps: float = 1e-5,
        batch_first: bool = False, norm_first: bool = False, bias: bool = True, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args, **kw), num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args, **kw), num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw))
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(
        self, src: Tensor, tgt: Tensor, src_mask: Optional[Tensor] = None, tgt_mask: Optional[Tensor] = None,
        memory_mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
        tgt_key_padding_mask: Optional[Tensor] = None, memory_key_padding_mask: Optional[Tensor] = None,
        src_is_causal: Optional[bool] = None, tgt_is_causal: Optional[bool] = None, memory_is_causal: bool = False,
    ) -> Tensor:
        batch_dim = 0 if self.batch_first else 1
        if src.dim() == 3 and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Optional[_dtype.dtype] = None) -> Tensor:
        """An (sz, sz) float mask: 0 on and below the diagonal, -inf above (position i sees j <= i)."""
        return _creation.full((sz, sz), float("-inf"), dtype=dtype, device=device).triu(1)
