"""Single recurrent steps with torch's parameter names, shapes and initialisation:
`RNNCell`, `LSTMCell` and `GRUCell`. Each holds weight_ih (G*H, input_size), weight_hh
(G*H, H) and, with `bias`, bias_ih and bias_hh (G*H,), G being the number of gate blocks
(1, 4 as i, f, g, o, 3 as r, z, n), all drawn from U(-1/sqrt(H), 1/sqrt(H)).

An input may be batched (B, input_size) or a single vector (input_size,); a missing state starts
at zeros. The LSTM and GRU steps are single fused graph nodes (`nn.functional.rnn`).
"""

from __future__ import annotations

import math
from typing import Any, Optional

from ... import _creation, _dtype
from ..._tensor import Tensor
from .. import init
from ..functional import rnn as _rnn
from ..parameter import Parameter
from .module import Module

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]


def _empty(shape: tuple[int, ...], dtype: Optional[_dtype.dtype], device: Any) -> Parameter:
    return Parameter(_creation.empty(shape, dtype=dtype, device=device))


class RNNCellBase(Module):
    """The parameters, initialisation, checks and repr the three cells share."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = _empty((num_chunks * hidden_size, input_size), dtype, device)
        self.weight_hh = _empty((num_chunks * hidden_size, hidden_size), dtype, device)
        if bias:
            self.bias_ih = _empty((num_chunks * hidden_size,), dtype, device)
            self.bias_hh = _empty((num_chunks * hidden_size,), dtype, device)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _batched(self, input: Tensor, states: tuple[Optional[Tensor], ...], names: tuple[str, ...]) -> tuple:
        """Check the input and the states as torch does; return (is_batched, input, states) with
        a batch dimension added where there was none and missing states made zeros."""
        cell = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{cell}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        for name, state in zip(names, states):
            if state is not None and state.ndim not in (1, 2):
                raise ValueError(f"{cell}: Expected {name} to be 1D or 2D, got {state.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {self.input_size}")
        if input.dtype is not self.weight_ih.dtype:
            raise RuntimeError(
                f"{cell}: input dtype {input.dtype.name} doesn't match the weights' {self.weight_ih.dtype.name}; "
                f"convert the input with .to(ember.{self.weight_ih.dtype.name}) or the module with .to(ember.{input.dtype.name})"
            )
        out = []
        for i, state in enumerate(states):
            if state is None:
                state = _creation.zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            elif not batched:
                state = state.unsqueeze(0)
            if state._data.shape[0] != input._data.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {state.shape[1]}, expected {self.hidden_size}")
            out.append(state)
        return batched, input, tuple(out)


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (relu with `nonlinearity="relu"`).

    >>> nn.RNNCell(3, 5)(ember.ones(2, 3)).shape
    (2, 5)
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        batched, input, (hx,) = self._batched(input, (hx,), ("hidden",))
        step = {"tanh": _rnn.rnn_tanh_cell, "relu": _rnn.rnn_relu_cell}.get(self.nonlinearity)
        if step is None:  # as torch, checked when called, not when built
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h = step(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step, gates i, f, g, o:  c' = f c + i g,  h' = o tanh(c'), where
    [i f g o] = [sigmoid tanh-for-g sigmoid](x W_ih^T + b_ih + h W_hh^T + b_hh).
    `forward(input, (h, c))` returns (h', c'); one fused graph node.

    >>> h, c = nn.LSTMCell(3, 5)(ember.ones(2, 3))
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Optional[tuple[Tensor, Tensor]] = None) -> tuple[Tensor, Tensor]:
        states = (None, None) if hx is None else tuple(hx)
        batched, input, (h, c) = self._batched(input, states, ("hx[0]", "hx[1]"))
        h, c = _rnn.lstm_cell(input, (h, c), self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step, gates r, z, n:  r, z = sigmoid(gi_rz + gh_rz),  n = tanh(gi_n + r gh_n),
    h' = (1 - z) n + z h, with gi = x W_ih^T + b_ih and gh = h W_hh^T + b_hh. One fused node.

    >>> nn.GRUCell(3, 5)(ember.ones(2, 3)).shape
    (2, 5)
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
        dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        batched, input, (hx,) = self._batched(input, (hx,), ("hidden",))
        h = _rnn.gru_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)
