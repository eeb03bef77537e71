"""Recurrent cell steps, as `torch.lstm_cell`, `torch.gru_cell`, `torch.rnn_tanh_cell` and
`torch.rnn_relu_cell` spell them. The LSTM and GRU steps are one fused node each
(`ember/ops/rnn.py`, with their gradient formulas); the plain RNN steps are composed of
linear, add and tanh or relu.
"""

from __future__ import annotations

from typing import Optional, Sequence

from ..._tensor import Tensor
from ...ops.rnn import FusedGRUCell, FusedLSTMCell
from .linear import linear

__all__ = ["gru_cell", "lstm_cell", "rnn_relu_cell", "rnn_tanh_cell"]


def lstm_cell(
    input: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor] = None,
    b_hh: Optional[Tensor] = None,
) -> tuple[Tensor, Tensor]:
    """One LSTM step as `torch.lstm_cell`: input (B, in), hx = (h, c) each (B, H), w_ih
    (4H, in), w_hh (4H, H), biases (4H,) -> (h', c'). One graph node.

    >>> h, c = lstm_cell(ember.ones(2, 3), (ember.zeros(2, 4), ember.zeros(2, 4)), ember.ones(16, 3), ember.ones(16, 4))
    """
    h, c = hx
    return FusedLSTMCell.apply(input, h, c, w_ih, w_hh, b_ih, b_hh)


def gru_cell(
    input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor] = None,
    b_hh: Optional[Tensor] = None,
) -> Tensor:
    """One GRU step as `torch.gru_cell`: input (B, in), hx (B, H), w_ih (3H, in), w_hh (3H, H),
    biases (3H,) -> h'. One graph node."""
    return FusedGRUCell.apply(input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_tanh_cell(
    input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor] = None,
    b_hh: Optional[Tensor] = None,
) -> Tensor:
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), composed of linear, add and tanh."""
    return (linear(input, w_ih, b_ih) + linear(hx, w_hh, b_hh)).tanh()


def rnn_relu_cell(
    input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Optional[Tensor] = None,
    b_hh: Optional[Tensor] = None,
) -> Tensor:
    """h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh), composed of linear, add and relu."""
    return (linear(input, w_ih, b_ih) + linear(hx, w_hh, b_hh)).relu()
