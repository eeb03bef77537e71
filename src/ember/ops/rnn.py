"""The fused recurrent nodes. An LSTM or GRU step is one fused node: forward computes every gate
with NumPy, backward returns the gradients of all its inputs at once. An LSTM layer over padded
input goes further: its whole sequence is one node (`FusedLSTMLayer`), whose backward runs the
same step formulas through time and forms dW_hh with a single product.

LSTM, gates in torch's order i, f, g, o (each (B, H) of the (B, 4H) pre-activations):
    G = x W_ih^T + b_ih + h W_hh^T + b_hh,   i, f, o = sigmoid(G_i, G_f, G_o),   g = tanh(G_g)
    c' = f c + i g,   h' = o tanh(c')
With t = tanh(c') and dh', dc' the incoming gradients:
    dc = dc' + dh' o (1 - t^2)
    dG = [dc g i(1-i),  dc c f(1-f),  dc i (1-g^2),  dh' t o(1-o)]
    dh = dG W_hh,  dc_prev = dc f,  dx = dG W_ih,  dW_ih = dG^T x,  dW_hh = dG^T h,  db = sum_rows dG

GRU, gates r, z, n, with gi = x W_ih^T + b_ih and gh = h W_hh^T + b_hh split the same way:
    r = sigmoid(gi_r + gh_r),  z = sigmoid(gi_z + gh_z),  n = tanh(gi_n + r gh_n)
    h' = (1 - z) n + z h
With dn = dh' (1 - z)(1 - n^2):
    d[r z] = [dn gh_n,  dh' (h - n)] [r z](1 - [r z])
    dgi = [d[r z], dn],  dgh = [d[r z], dn r],  dh = dh' z + dgh W_hh,  dx = dgi W_ih, ...

A step whose `w_ih` is None takes x already projected (x W_ih^T + b_ih, the layers compute it
for all time steps in one GEMM); then dx = dG.

The backward formulas are written once, over operands that are either NumPy arrays or Tensors.
The array rule (`backward_arrays`) runs them on the gates the forward saved; the reference rule
(`backward`) recomputes the gates with Tensor ops from the saved inputs and runs the same
formulas on Tensors, so the gradient is itself differentiable (double backward works).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .. import autograd
from .._tensor import Tensor
from ..autograd.function import Function
from .linear import affine
from .join import cat, stack


def _sigmoid_(v: np.ndarray) -> None:
    """v <- 1 / (1 + e^-v) in place; e^-v overflows to inf for very negative v, giving 0."""
    np.negative(v, out=v)
    np.exp(v, out=v)
    v += 1
    np.reciprocal(v, out=v)


def _affine(x: np.ndarray, w: Optional[np.ndarray], b: Optional[np.ndarray]) -> np.ndarray:
    """x W^T + b; x + b when W is None (x is already projected), x itself without b either."""
    if w is None:
        return x if b is None else x + b
    out = x @ w.T
    if b is not None:
        out += b
    return out


@lru_cache(maxsize=None)
def _tanh_block(hidden: int, dtype: str) -> np.ndarray:
    """(4H,) zeros with ones on the g block: (1 - a)(a + m) is a(1-a) for a sigmoid gate and
    (1-g)(1+g) = 1 - g^2 for the tanh gate, in one expression over all four gates."""
    m = np.zeros(4 * hidden, dtype=dtype)
    m[2 * hidden:3 * hidden] = 1
    m.flags.writeable = False
    return m


def _lstm_grads(
    concat: Callable, needs: Sequence[bool], dh: Any, dc: Any, acts: Any, tc: Any,
    x: Any, hx: Any, cx: Any, w_ih: Any, w_hh: Any, mask: Any,
) -> tuple:
    """The LSTM step's gradients (see the module docstring) for arrays or Tensors alike."""
    hidden = cx.shape[-1]  # h may be narrower: LSTM with proj_size
    i, f, g, o = acts[:, :hidden], acts[:, hidden:2 * hidden], acts[:, 2 * hidden:3 * hidden], acts[:, 3 * hidden:]
    dc = dc + dh * o * (1 - tc * tc)
    dgates = concat([dc * g, dc * cx, dc * i, dh * tc], 1) * ((1 - acts) * (acts + mask))
    return _input_grads(needs, dgates, dgates, x, hx, w_ih, w_hh) + (dc * f if needs[2] else None,)


def _gru_grads(
    concat: Callable, needs: Sequence[bool], dh: Any, rz: Any, n: Any, ghn: Any,
    x: Any, hx: Any, w_ih: Any, w_hh: Any,
) -> tuple:
    """The GRU step's gradients (see the module docstring) for arrays or Tensors alike."""
    hidden = hx.shape[-1]
    z = rz[:, hidden:]
    dn = dh * (1 - z) * (1 - n * n)
    drz = concat([dn * ghn, dh * (hx - n)], 1) * rz * (1 - rz)
    dgi = concat([drz, dn], 1)
    dgh = concat([drz, dn * rz[:, :hidden]], 1)
    return _input_grads(needs, dgi, dgh, x, hx, w_ih, w_hh, dh * z)


def _input_grads(
    needs: Sequence[bool], dgi: Any, dgh: Any, x: Any, hx: Any, w_ih: Any, w_hh: Any, dh_direct: Any = None,
) -> tuple:
    """(dx, dh, dW_ih, dW_hh, db_ih, db_hh) from the gradients of gi = x W_ih^T + b_ih and of
    gh = h W_hh^T + b_hh; `dh_direct` is what h receives outside gh (the GRU's z h)."""
    need_x, need_h = needs[0], needs[1]
    need_wih, need_whh, need_bih, need_bhh = needs[-4:]
    dx = dhx = None
    if need_x:
        dx = dgi if w_ih is None else dgi @ w_ih
    if need_h:
        dhx = dgh @ w_hh if dh_direct is None else dh_direct + dgh @ w_hh
    return (
        dx, dhx,
        dgi.T @ x if need_wih else None,
        dgh.T @ hx if need_whh else None,
        dgi.sum(0) if need_bih else None,
        dgh.sum(0) if need_bhh else None,
    )


def _linear(x: Tensor, w: Optional[Tensor], b: Optional[Tensor]) -> Tensor:
    """x W^T + b with Tensor ops; x + b when W is None."""
    if w is not None:
        return affine(x, w, b)
    return x if b is None else x + b


class FusedLSTMCell(Function):
    """One LSTM step, (x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h', c');  dc = dc' + dh' o (1 - t^2),
    dG = [dc g i(1-i), dc c f(1-f), dc i (1-g^2), dh' t o(1-o)], dh = dG W_hh, dc_prev = dc f,
    dx = dG W_ih, dW_ih = dG^T x, dW_hh = dG^T h, db = sum_rows dG (see the module docstring)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, hx, cx, w_ih, w_hh, b_ih, b_hh):
        acts = hx @ w_hh.T
        acts += x if w_ih is None else x @ w_ih.T
        if b_ih is not None:
            acts += b_ih
        if b_hh is not None:
            acts += b_hh
        c, tc, h = np.empty_like(cx), np.empty_like(cx), np.empty_like(cx)
        _lstm_gates_(acts, cx, c, tc, h)
        ctx.save_for_backward(x, hx, cx, w_ih, w_hh, b_ih, b_hh, acts, tc)
        return h, c

    @staticmethod
    def backward(ctx, dh, dc):
        x, hx, cx, w_ih, w_hh, b_ih, b_hh, _, _ = ctx.saved_tensors
        mask = _tanh_block(cx.shape[-1], cx._data.dtype.str)
        acts, tc = _lstm_activations(x, hx, cx, w_ih, w_hh, b_ih, b_hh)
        grads = _lstm_grads(cat, ctx.needs_input_grad, dh, dc, acts, tc, x, hx, cx, w_ih, w_hh, mask)
        dx, dhx, dw_ih, dw_hh, db_ih, db_hh, dcx = grads
        return dx, dhx, dcx, dw_ih, dw_hh, db_ih, db_hh

    @staticmethod
    def backward_arrays(ctx, dh, dc):
        x, hx, cx, w_ih, w_hh, _, _, acts, tc = ctx.saved_tensors
        mask = _tanh_block(cx.shape[-1], cx.dtype.str)
        grads = _lstm_grads(np.concatenate, ctx.needs_input_grad, dh, dc, acts, tc, x, hx, cx, w_ih, w_hh, mask)
        dx, dhx, dw_ih, dw_hh, db_ih, db_hh, dcx = grads
        return dx, dhx, dcx, dw_ih, dw_hh, db_ih, db_hh


def _lstm_gates_(acts: np.ndarray, cx: np.ndarray, c: np.ndarray, tc: np.ndarray, h: np.ndarray) -> None:
    """The rest of an LSTM step once the pre-activations are in `acts` (B, 4H): the gates
    [i f g o] in place, then c' = f c + i g, tanh(c') and h' = o tanh(c') into c, tc and h."""
    hidden = cx.shape[-1]
    with np.errstate(over="ignore"):
        _sigmoid_(acts[:, :2 * hidden])
        _sigmoid_(acts[:, 3 * hidden:])
    g = acts[:, 2 * hidden:3 * hidden]
    np.tanh(g, out=g)
    np.multiply(acts[:, hidden:2 * hidden], cx, out=c)
    c += acts[:, :hidden] * g
    np.tanh(c, out=tc)
    np.multiply(acts[:, 3 * hidden:], tc, out=h)


def _lstm_activations(x: Any, hx: Any, cx: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> tuple:
    """The gates [i f g o] after their nonlinearities and tanh(c'), as differentiable Tensors."""
    i, f, g, o = (_linear(x, w_ih, b_ih) + _linear(hx, w_hh, b_hh)).chunk(4, 1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    return cat([i, f, g, o], 1), (f * cx + i * g).tanh()


class FusedLSTMLayer(Function):
    """A whole LSTM layer direction over padded input in one node: projected inputs xs (T, B, 4H)
    (x W_ih^T + b_ih + b_hh for every step), h0, c0 (B, H), W_hh (4H, H) -> outputs (T, B, H),
    h_T, c_T. `reverse` runs the steps from t = T-1 down to 0.

    forward: FusedLSTMCell's step in a loop, each step's gates and cell state kept.
    backward: through time, step by step with FusedLSTMCell's formulas, except that
    dW_hh = sum_t dG_t^T h_{t-1} is one product over all steps (not T small ones and T
    additions), and dxs is every step's dG. Under create_graph the steps are rebuilt as
    FusedLSTMCell nodes and differentiated, so higher derivatives come from the step's rule."""

    _array_forward = True

    @staticmethod
    def forward(ctx, xs, h0, c0, w_hh, reverse):
        steps, batch, hidden = xs.shape[0], xs.shape[1], h0.shape[-1]
        order = range(steps - 1, -1, -1) if reverse else range(steps)
        # indexed by step k in the order run: h[k], c[k] before step k, h[k + 1], c[k + 1] after
        hs = np.empty((steps + 1, batch, hidden), xs.dtype)
        cs = np.empty((steps + 1, batch, hidden), xs.dtype)
        acts = np.empty(xs.shape, xs.dtype)
        tcs = np.empty((steps, batch, hidden), xs.dtype)
        hs[0], cs[0] = h0, c0
        w_t = w_hh.T
        for k, t in enumerate(order):
            np.matmul(hs[k], w_t, out=acts[k])
            acts[k] += xs[t]
            _lstm_gates_(acts[k], cs[k], cs[k + 1], tcs[k], hs[k + 1])
        ctx.save_for_backward(xs, h0, c0, w_hh)
        ctx.reverse, ctx.trace = reverse, (hs, cs, acts, tcs)
        outputs = hs[:0:-1] if reverse else hs[1:]
        return outputs.copy(), hs[steps].copy(), cs[steps].copy()

    @staticmethod
    def backward(ctx, dout, dh_last, dc_last):
        return _lstm_layer_double_backward(ctx, ctx.saved_tensors, (dout, dh_last, dc_last))

    @staticmethod
    def backward_arrays(ctx, dout, dh_last, dc_last):
        w_hh = ctx.saved_tensors[3]
        hs, cs, acts, tcs = ctx.trace
        steps, hidden = acts.shape[0], hs.shape[-1]
        mask = _tanh_block(hidden, acts.dtype.str)
        dgates = np.empty_like(acts)
        dh, dc = dh_last, dc_last
        for k in range(steps - 1, -1, -1):
            dh = dh + dout[steps - 1 - k if ctx.reverse else k]
            # a step's own rule, asked for dG (its input gradient), dh and dc only
            dgates[k], dh, _, _, _, _, dc = _lstm_grads(
                np.concatenate, _STEP_NEEDS, dh, dc, acts[k], tcs[k], None, hs[k], cs[k], None, w_hh, mask,
            )
        need_x, need_h, need_c, need_w = ctx.needs_input_grad[:4]
        dw = dgates.reshape(-1, 4 * hidden).T @ hs[:-1].reshape(-1, hidden) if need_w else None
        dxs = (dgates[::-1].copy() if ctx.reverse else dgates) if need_x else None
        return dxs, (dh if need_h else None), (dc if need_c else None), dw, None


# (x, h, c, W_ih, W_hh, b_ih, b_hh): what FusedLSTMLayer asks of each step's gradient rule
_STEP_NEEDS = (True, True, True, False, False, False, False)


def _lstm_layer_double_backward(ctx: Any, inputs: tuple, grads: tuple) -> tuple:
    """FusedLSTMLayer's reference rule: its steps rebuilt from the saved inputs as
    FusedLSTMCell nodes (whose backward is differentiable), then differentiated."""
    xs, h0, c0, w_hh = inputs
    step = lambda x, states: FusedLSTMCell.apply(x, states[0], states[1], None, w_hh, None, None)  # noqa: E731
    outputs, (h, c) = run_steps(step, xs, (h0, c0), ctx.reverse)
    wanted = [x for x, need in zip(inputs, ctx.needs_input_grad) if need]
    found = iter(autograd.grad((outputs, h, c), wanted, grads, create_graph=True, allow_unused=True))
    return tuple(next(found) if need else None for need in ctx.needs_input_grad[:4]) + (None,)


def run_steps(
    step: Callable[[Tensor, Sequence[Tensor]], Sequence[Tensor]], xs: Tensor, states: Sequence[Tensor], reverse: bool,
) -> tuple[Tensor, list[Tensor]]:
    """states <- step(xs[t], states) for t over the first dim of xs (from the end with
    `reverse`); returns every step's first state (its h) stacked in time order, and the last
    states."""
    steps = xs.unbind(0)
    outputs: list[Any] = [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1) if reverse else range(len(steps)):
        states = step(steps[t], states)
        outputs[t] = states[0]
    return stack(outputs), list(states)


class FusedGRUCell(Function):
    """One GRU step, (x, h, W_ih, W_hh, b_ih, b_hh) -> h';  with dn = dh' (1 - z)(1 - n^2),
    d[r z] = [dn gh_n, dh' (h - n)] [r z](1 - [r z]), dgi = [d[r z], dn], dgh = [d[r z], dn r],
    dh = dh' z + dgh W_hh, dx = dgi W_ih, dW = dg^T x (see the module docstring)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, hx, w_ih, w_hh, b_ih, b_hh):
        hidden = hx.shape[-1]
        gi = _affine(x, w_ih, b_ih)
        gh = _affine(hx, w_hh, b_hh)
        rz = gi[:, :2 * hidden] + gh[:, :2 * hidden]
        with np.errstate(over="ignore"):
            _sigmoid_(rz)
        ghn = gh[:, 2 * hidden:]
        n = rz[:, :hidden] * ghn
        n += gi[:, 2 * hidden:]
        np.tanh(n, out=n)
        out = hx - n
        out *= rz[:, hidden:]
        out += n
        ctx.save_for_backward(x, hx, w_ih, w_hh, b_ih, b_hh, rz, n, ghn)
        return out

    @staticmethod
    def backward(ctx, dh):
        x, hx, w_ih, w_hh, b_ih, b_hh, _, _, _ = ctx.saved_tensors
        rz, n, ghn = _gru_activations(x, hx, w_ih, w_hh, b_ih, b_hh)
        return _gru_grads(cat, ctx.needs_input_grad, dh, rz, n, ghn, x, hx, w_ih, w_hh)

    @staticmethod
    def backward_arrays(ctx, dh):
        x, hx, w_ih, w_hh, _, _, rz, n, ghn = ctx.saved_tensors
        return _gru_grads(np.concatenate, ctx.needs_input_grad, dh, rz, n, ghn, x, hx, w_ih, w_hh)


def _gru_activations(x: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> tuple:
    """[r z], n and gh_n, as differentiable Tensors."""
    hidden = hx.shape[-1]
    gi, gh = _linear(x, w_ih, b_ih), _linear(hx, w_hh, b_hh)
    rz = (gi[:, :2 * hidden] + gh[:, :2 * hidden]).sigmoid()
    ghn = gh[:, 2 * hidden:]
    return rz, (gi[:, 2 * hidden:] + rz[:, :hidden] * ghn).tanh(), ghn

