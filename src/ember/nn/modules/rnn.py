"""Multi-layer recurrent layers with torch's API, parameter names, shapes and numbers: `RNN`,
`LSTM` and `GRU`.

Layer l, direction d (suffix `_reverse` for d = 1) holds weight_ih_l{l} (G*H, in_l),
weight_hh_l{l} (G*H, H) and, with `bias`, bias_ih_l{l}, bias_hh_l{l} (G*H,), G = 1, 4 or 3
gate blocks and in_l = input_size for the first layer, H * num_directions after it; all start
U(-1/sqrt(H), 1/sqrt(H)). Input (T, B, in) or (B, T, in) with `batch_first`, unbatched (T, in),
or a `PackedSequence` (sequences of different lengths, `batch_first` plays no part).
Returns `(output, h_n)` (LSTM: `(output, (h_n, c_n))`): output (T, B, D*H), the last layer's h
at every step (a PackedSequence for a packed input); h_n and c_n (num_layers*D, B, H), the final
state of every layer and direction, for a packed input each sequence's state after its own last
step (the reverse direction starts there too), in the caller's batch order.

How a direction runs: x W_ih^T + b for all T steps in one GEMM (`F.linear` on (T, B, in)), its
T slices taken by one node, then one node per step (the fused LSTM/GRU step; a plain RNN step is
linear + add + tanh/relu) and one stack of the outputs. Packed data (N, in), step t's
batch_sizes[t] rows one after another, runs the same way: one GEMM, one split into steps, step t
on the first batch_sizes[t] rows of the state, one concatenation of the outputs. Dropout, in
training, acts on the output of every layer but the last.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable, Optional, Sequence, Union

from ... import _creation, _dtype, ops
from ..._tensor import Tensor
from ...ops import rnn as _rnn
from ...ops.join import cat
from .. import init
from ..functional.dropout import dropout
from ..functional.linear import linear
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "RNNBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters, checks, the loop over layers and directions."""

    def __init__(
        self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
        batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
        device: Any = None, dtype: Optional[_dtype.dtype] = None,
    ) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size or hidden_size  # the width of h
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, out_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size:
                    shapes.update(weight_hr=(proj_size, hidden_size))
                names = []
                for kind, shape in shapes.items():
                    setattr(self, kind + suffix, Parameter(_creation.empty(shape, dtype=dtype, device=device)))
                    names.append(kind + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def _flat_weights(self) -> list[Optional[Parameter]]:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, [w_ih, w_hh(, b_ih, b_hh)] each."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Nothing to do: torch packs the weights for cuDNN; ember's already are plain arrays."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _run(self, input: Union[Tensor, PackedSequence], states: tuple[Optional[Tensor], ...]) -> tuple:
        """The forward of all three: (output, [h_n] or [h_n, c_n])."""
        if isinstance(input, PackedSequence):
            return self._run_packed(input, states)
        batched, x, states = self._prepare(input, states)
        output, finals = self._layers(x, states)
        return self._finish(batched, output, finals)

    def _run_packed(self, input: PackedSequence, states: tuple[Optional[Tensor], ...]) -> tuple:
        """A packed input: torch's checks, the given states put in the sorted batch order, the
        layers run on the packed data, the final states put back in the caller's order."""
        data, batch_sizes, sorted_indices, unsorted_indices = input
        self._check_input(data, packed=True)
        sizes = batch_sizes.tolist()
        states = self._initial_states(states, sizes[0], data.dtype)
        if sorted_indices is not None:
            states = [s.index_select(1, sorted_indices) for s in states]
        output, finals = self._layers(data, states, sizes)
        if unsorted_indices is not None:
            finals = [s.index_select(1, unsorted_indices) for s in finals]
        return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), finals

    def _prepare(self, input: Tensor, states: tuple[Optional[Tensor], ...]) -> tuple:
        """Check input and initial states as torch does; return (is_batched, input as
        (T, B, in), states as (num_layers*D, B, H), zeros where not given)."""
        if input.ndim not in (2, 3):
            if self.mode.startswith("RNN"):  # torch words the three differently
                raise ValueError(f"RNN: Expected input to be 2D or 3D, got {input.ndim}D tensor instead")
            raise ValueError(f"{self.mode}: Expected input to be 2D or 3D, got {input.ndim}D instead")
        batched = input.ndim == 3
        ndim = 3 if batched else 2
        given = [s for s in states if s is not None]
        if any(s.ndim != ndim for s in given):
            kind = "batched 3-D input" if batched else "unbatched 2-D input"
            if len(given) == 1:
                raise RuntimeError(f"For {kind}, hx should also be {ndim}-D but got {given[0].ndim}-D tensor")
            dims = ", ".join(f"{s.ndim}-D" for s in given)
            raise RuntimeError(f"For {kind}, hx and cx should also be {ndim}-D but got ({dims}) tensors")
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
            states = tuple(None if s is None else s.unsqueeze(1) for s in states)
        self._check_input(input)
        if self.batch_first:
            input = input.transpose(0, 1)
        return batched, input, self._initial_states(states, input._data.shape[1], input.dtype)

    def _check_input(self, input: Tensor, packed: bool = False) -> None:
        """torch's checks of the input's dtype, of packed data's rank and of the feature size."""
        weight = self.weight_ih_l0
        if input.dtype is not weight.dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). Convert input: "
                f"input.to({weight.dtype}), or convert model: model.to({input.dtype})"
            )
        if packed and input.ndim != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {input.ndim}")
        if input._data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}"
            )

    def _initial_states(self, states: Sequence[Optional[Tensor]], batch: int, dtype: _dtype.dtype) -> list[Tensor]:
        """The initial states checked against (num_layers*D, batch, H), zeros where not given."""
        layers = (2 if self.bidirectional else 1) * self.num_layers
        out = []
        for i, state in enumerate(states):
            expected = (layers, batch, self.hidden_size if i else self.proj_size or self.hidden_size)
            if state is None:
                state = _creation.zeros(*expected, dtype=dtype)
            elif tuple(state._data.shape) != expected:
                which = "hidden" if len(states) == 1 else f"hidden[{i}]"
                raise RuntimeError(f"Expected {which} size {expected}, got {list(state.shape)}")
            out.append(state)
        return out

    def _finish(self, batched: bool, output: Tensor, states: list[Tensor]) -> tuple:
        """The time-major output back to the caller's layout, batch dimension dropped if unbatched."""
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(0 if self.batch_first else 1)
            states = [s.squeeze(1) for s in states]
        return output, states

    def _layers(
        self, x: Tensor, states: list[Tensor], batch_sizes: Optional[list[int]] = None,
    ) -> tuple[Tensor, list[Tensor]]:
        """Run every layer and direction over x, (T, B, in) or packed data (N, in) with its
        `batch_sizes`; return the last layer's output (T, B, D*H) or (N, D*H) and the final
        states stacked as (num_layers*D, B, H) (h: proj_size wide)."""
        directions = 2 if self.bidirectional else 1
        initial = [ops.unbind(s) for s in states]
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                weights = [getattr(self, name) for name in self._all_weights[k]]
                output, last = self._direction(x, weights, [s[k] for s in initial], direction == 1, batch_sizes)
                outputs.append(output)
                for final, state in zip(finals, last):
                    final.append(state)
            x = outputs[0] if directions == 1 else cat(outputs, outputs[0].ndim - 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = dropout(x, self.dropout)
        return x, [ops.stack(final) for final in finals]

    def _direction(
        self, x: Tensor, weights: list[Parameter], states: list[Tensor], reverse: bool,
        batch_sizes: Optional[list[int]] = None,
    ) -> tuple[Tensor, list[Tensor]]:
        """One direction of one layer: (outputs (T, B, H) or packed (N, H), [final state(s)])."""
        b_ih, b_hh = (weights[2], weights[3]) if self.bias else (None, None)
        if self.mode == "GRU":
            bias = b_ih  # b_hn sits inside r * (W_hn h + b_hn): the step adds b_hh
        else:
            bias = None if b_ih is None else b_ih + b_hh
        projected = linear(x, weights[0], bias)
        if self.mode == "LSTM" and not self.proj_size and batch_sizes is None:
            output, h, c = _rnn.FusedLSTMLayer.apply(projected, states[0], states[1], weights[1], reverse)
            return output, [h, c]
        step = self._step(weights)
        if batch_sizes is not None:
            return _packed_direction(step, ops.split(projected, list(batch_sizes)), states, batch_sizes, reverse)
        return _rnn.run_steps(step, projected, states, reverse)

    def _step(self, weights: list[Parameter]) -> Callable[[Tensor, Sequence[Tensor]], Sequence[Tensor]]:
        """The recurrence of one direction, step(x_t W_ih^T + b, states) -> new states, h first:
        the fused LSTM step (then h W_hr^T with proj_size), the fused GRU step, or
        act(x_t + h W_hh^T) for a plain RNN."""
        w_hh = weights[1]
        if self.mode == "LSTM":
            w_hr = weights[-1] if self.proj_size else None

            def step(x: Tensor, states: Sequence[Tensor]) -> Sequence[Tensor]:
                h, c = _rnn.FusedLSTMCell.apply(x, states[0], states[1], None, w_hh, None, None)
                return (h if w_hr is None else linear(h, w_hr)), c
        elif self.mode == "GRU":
            b_hh = weights[3] if self.bias else None

            def step(x: Tensor, states: Sequence[Tensor]) -> Sequence[Tensor]:
                return (_rnn.FusedGRUCell.apply(x, states[0], None, w_hh, None, b_hh),)
        else:
            activation = Tensor.tanh if self.mode == "RNN_TANH" else Tensor.relu

            def step(x: Tensor, states: Sequence[Tensor]) -> Sequence[Tensor]:
                return (activation(x + linear(states[0], w_hh)),)
        return step


def _packed_direction(
    step: Callable[[Tensor, Sequence[Tensor]], Sequence[Tensor]], steps: Sequence[Tensor],
    states: Sequence[Tensor], batch_sizes: list[int], reverse: bool,
) -> tuple[Tensor, list[Tensor]]:
    """One direction over packed steps: step t runs on the first batch_sizes[t] rows of the state
    (the sequences still running, longest first); the rows of finished sequences keep their
    state. Forward in time the batch shrinks: the rows that drop out are set aside and joined
    back at the end. Backward in time it grows: each sequence joins with its initial state at
    its own last step. Returns the packed outputs (N, H) and the final states (B, H)."""
    outputs: list[Any] = [None] * len(steps)
    if reverse:
        growth = batch_sizes[::-1]
        joins = [b - a for a, b in zip([0] + growth, growth) if b > a]  # rows joining, in turn
        pieces = [ops.split(s, joins) if len(joins) > 1 else (s,) for s in states]
        live = joined = 0
        for t in range(len(steps) - 1, -1, -1):
            if batch_sizes[t] > live:
                new = [p[joined] for p in pieces]
                states = new if live == 0 else [ops.cat([s, n]) for s, n in zip(states, new)]
                live, joined = batch_sizes[t], joined + 1
            states = step(steps[t], states)
            outputs[t] = states[0]
        return ops.cat(outputs), list(states)
    ended: list[Sequence[Tensor]] = []  # the states of rows that finished, the latest first
    live = batch_sizes[0]
    for t, size in enumerate(batch_sizes):
        if size < live:
            kept, done = zip(*[ops.split(s, [size, live - size]) for s in states])
            states, live = kept, size
            ended.insert(0, done)
        states = step(steps[t], states)
        outputs[t] = states[0]
    finals = [ops.cat([s, *[done[k] for done in ended]]) if ended else s for k, s in enumerate(states)]
    return ops.cat(outputs), finals


def _check_arguments(
    input_size: Any, hidden_size: Any, num_layers: Any, bias: Any, batch_first: Any, dropout: Any, proj_size: Any,
) -> None:
    """torch's checks of the constructor arguments, with its messages."""
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
            stacklevel=3,
        )
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                              ("input_size", input_size, int), ("hidden_size", hidden_size, int)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), relu with
    `nonlinearity="relu"`. `forward(input, h_0=None)` returns (output, h_n).

    >>> out, h = nn.RNN(3, 5, num_layers=2)(ember.ones(7, 2, 3))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = nonlinearity

    def forward(
        self, input: Union[Tensor, PackedSequence], hx: Optional[Tensor] = None,
    ) -> tuple[Union[Tensor, PackedSequence], Tensor]:
        output, (h_n,) = self._run(input, (hx,))
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o per step:
        c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)
    With `proj_size` P > 0, h_t = (o tanh(c_t)) W_hr^T is P wide (weight_hr_l{k}: (P, H)).
    `forward(input, (h_0, c_0)=None)` returns (output, (h_n, c_n)).

    >>> out, (h, c) = nn.LSTM(64, 128, batch_first=True)(ember.ones(20, 35, 64))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(
        self, input: Union[Tensor, PackedSequence], hx: Optional[tuple[Tensor, Tensor]] = None,
    ) -> tuple[Union[Tensor, PackedSequence], tuple[Tensor, Tensor]]:
        output, (h_n, c_n) = self._run(input, (None, None) if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n per step:
        n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),   h_t = (1 - z) n + z h_{t-1}
    `forward(input, h_0=None)` returns (output, h_n).

    >>> out, h = nn.GRU(3, 5, bidirectional=True)(ember.ones(7, 2, 3))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(
        self, input: Union[Tensor, PackedSequence], hx: Optional[Tensor] = None,
    ) -> tuple[Union[Tensor, PackedSequence], Tensor]:
        output, (h_n,) = self._run(input, (hx,))
        return output, h_n

