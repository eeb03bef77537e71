"""ember.scalar.functional's fused nodes against the same math composed in torch (float64)."""

import functools
import math
import random

import pytest
import torch

from ember import Value
from ember.scalar.functional import dot, total

# Python floats against torch float64 running the same operations: the exact class of the
# tolerance contract (tests/tolerances.py), which math.exp and math.tanh meet here too
RTOL = 1e-12
approx = functools.partial(pytest.approx, rel=RTOL, abs=0.0, nan_ok=True)

ACTIVATIONS = {None: lambda z: z, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
OPS = {None: "dot", "relu": "ReLU(dot)", "tanh": "tanh(dot)", "sigmoid": "sigmoid(dot)"}


def f64(x: float, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)


def grad(t: torch.Tensor) -> float:
    return 0.0 if t.grad is None else t.grad.item()


def torch_dot(ws, xs, b, activation):
    """act(w_0 x_0 + ... + w_n x_n + b), summed in ember's order."""
    z = 0.0
    for w, x in zip(ws, xs):
        z = z + w * x
    if b is not None:
        z = z + b
    return ACTIVATIONS[activation](z)


def check_dot(w_vals, x_vals, b_val, activation, x_kinds):
    """dot in ember and torch_dot in torch: the same value and gradient for every leaf."""
    ws = [Value(w) for w in w_vals]
    xs = [Value(x) if kind == "value" else x for x, kind in zip(x_vals, x_kinds)]
    b = None if b_val is None else Value(b_val)
    out = dot(ws, xs, b, activation)
    out.backward()

    tws = [f64(w) for w in w_vals]
    txs = [f64(x) if kind == "value" else x for x, kind in zip(x_vals, x_kinds)]
    tb = None if b_val is None else f64(b_val)
    ref = torch_dot(tws, txs, tb, activation)
    ref.backward()

    assert out.op == OPS[activation]
    assert out.data == approx(ref.item())
    assert [w.grad for w in ws] == approx([grad(t) for t in tws])
    x_grads = [x.grad for x in xs if isinstance(x, Value)]
    assert x_grads == approx([grad(t) for t in txs if isinstance(t, torch.Tensor)])
    if b is not None:
        assert b.grad == approx(grad(tb))
    return out, ws, xs, b


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("with_bias", [False, True], ids=["no_bias", "bias"])
@pytest.mark.parametrize("inputs", ["float", "value", "mixed"])
@pytest.mark.parametrize("activation", list(ACTIVATIONS), ids=str)
def test_dot_matches_torch(activation, inputs, with_bias, seed):
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    w_vals = [rng.uniform(-2, 2) for _ in range(n)]
    x_vals = [rng.uniform(-3, 3) for _ in range(n)]
    b_val = rng.uniform(-1, 1) if with_bias else None
    mixed = [rng.choice(["number", "value"]) for _ in range(n)]
    kinds = {"float": ["number"] * n, "value": ["value"] * n, "mixed": mixed}[inputs]
    check_dot(w_vals, x_vals, b_val, activation, kinds)


@pytest.mark.parametrize("activation", list(ACTIVATIONS), ids=str)
def test_dot_known_values(activation):
    out, ws, xs, b = check_dot([2.0, -1.0], [3.0, 4.0], 0.5, activation, ["value", "number"])
    z = 2.0 * 3.0 - 1.0 * 4.0 + 0.5
    act = {None: z, "relu": z, "tanh": math.tanh(z), "sigmoid": 1 / (1 + math.exp(-z))}[activation]
    slope = {None: 1.0, "relu": 1.0, "tanh": 1 - act**2, "sigmoid": act * (1 - act)}[activation]
    assert out.data == approx(act)
    # d/dw = x (the number 4 too), d/dx = w, d/db = 1, each times act'(z)
    grads = [ws[0].grad, ws[1].grad, xs[0].grad, b.grad]
    assert grads == approx([3.0 * slope, 4.0 * slope, 2.0 * slope, slope])


@pytest.mark.parametrize("z", [-1.0, 0.0], ids=["dead", "kink"])
def test_dot_relu_passes_no_gradient_at_or_below_zero(z):
    # 1*2 + 2*(-1.5) = -1, so the bias z + 1 puts the pre-activation exactly at z
    out, ws, xs, b = check_dot([1.0, 2.0], [2.0, -1.5], z + 1.0, "relu", ["value", "value"])
    assert out.data == 0.0
    assert [w.grad for w in ws] + [x.grad for x in xs] + [b.grad] == [0.0] * 5


def test_dot_relu_masks_an_inf_from_above_like_torch():
    ws, xs = [Value(1.0)], [Value(-2.0)]
    y = dot(ws, xs, None, "relu").sqrt()
    y.backward()
    tw, tx = f64(1.0), f64(-2.0)
    torch.relu(tw * tx).sqrt().backward()
    assert (y.data, ws[0].grad, xs[0].grad) == (0.0, 0.0, 0.0)
    assert (grad(tw), grad(tx)) == (0.0, 0.0)


@pytest.mark.parametrize("activation", list(ACTIVATIONS), ids=str)
@pytest.mark.parametrize(
    "w_vals, x_vals",
    [
        ([0.0, 1.0], [math.inf, 2.0]),
        ([1.0, 1.0], [math.inf, -math.inf]),
        ([2.0], [math.nan]),
        ([1e200], [1e200]),
    ],
    ids=["zero_times_inf", "inf_minus_inf", "nan", "overflow"],
)
def test_dot_special_values_match_torch(activation, w_vals, x_vals):
    check_dot(w_vals, x_vals, 0.5, activation, ["number"] * len(x_vals))


def test_dot_is_one_node_over_its_inputs():
    ws, xs, b = [Value(1.0), Value(2.0)], [Value(3.0), 4.0], Value(0.5)
    out = dot(ws, xs, b, "tanh")
    assert set(map(id, out._prev)) == {id(ws[0]), id(ws[1]), id(xs[0]), id(b)}


def test_dot_with_a_value_used_as_weight_and_input():
    a, c = Value(1.5), Value(-2.0)
    out = dot([a, a], [a, c], None, "tanh")
    out.backward()
    ta, tc = f64(1.5), f64(-2.0)
    torch_dot([ta, ta], [ta, tc], None, "tanh").backward()
    assert [a.grad, c.grad] == approx([grad(ta), grad(tc)])


def test_dot_backward_twice_doubles_leaf_grads():
    ws, xs = [Value(2.0), Value(-1.0)], [Value(3.0), Value(0.5)]
    out = dot(ws, xs, Value(1.0), "sigmoid")
    out.backward()
    first = [v.grad for v in ws + xs]
    out.backward()
    assert [v.grad for v in ws + xs] == [2 * g for g in first]


def test_dot_requires_grad_only_if_an_input_does():
    frozen = [Value(1.0, requires_grad=False), Value(2.0, requires_grad=False)]
    out = dot(frozen, [3.0, 4.0], Value(1.0, requires_grad=False))
    assert (out.data, out.requires_grad) == (12.0, False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.backward()
    x = Value(5.0)
    out = dot(frozen, [x, 1.0])
    out.backward()
    assert (out.requires_grad, x.grad, frozen[0].grad) == (True, 1.0, 0.0)


def test_dot_of_nothing_is_the_bias():
    b = Value(0.75)
    out = dot([], [], b, "relu")
    out.backward()
    assert (out.data, b.grad) == (0.75, 1.0)
    assert dot([], []).data == 0.0


def test_dot_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of .* got 'gelu'"):
        dot([Value(1.0)], [1.0], None, "gelu")


def test_dot_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


# total


@pytest.mark.parametrize("seed", range(4))
def test_total_matches_torch(seed):
    rng = random.Random(seed)
    vals = [rng.uniform(-5, 5) for _ in range(rng.randint(1, 12))]
    kinds = [rng.choice(["number", "value"]) for _ in vals]
    kinds[0] = "value"
    items = [Value(v) if k == "value" else v for v, k in zip(vals, kinds)]
    out = total(items)
    (out * out).backward()
    titems = [f64(v) if k == "value" else v for v, k in zip(vals, kinds)]
    ref = sum(titems, 0.0)
    (ref * ref).backward()
    assert (out.op, out.data) == ("sum", approx(ref.item()))
    want = [grad(t) for t in titems if isinstance(t, torch.Tensor)]
    assert [v.grad for v in items if isinstance(v, Value)] == approx(want)


def test_total_of_many_matches_torch_sum():
    rng = random.Random(0)
    vals = [rng.uniform(0, 1) for _ in range(10_000)]
    items = [Value(v) for v in vals]
    out = total(items)
    out.backward()
    t = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
    t.sum().backward()
    assert out.data == approx(t.sum().item())
    assert all(v.grad == 1.0 for v in items) and bool((t.grad == 1.0).all())


def test_total_counts_a_repeated_value_each_time():
    a, b = Value(2.0), Value(3.0)
    out = total(v for v in [a, a, b, 1.5])
    out.backward()
    assert (out.data, a.grad, b.grad) == (8.5, 2.0, 1.0)


def test_total_of_nothing_is_a_float_zero():
    out = total([])
    assert (type(out.data), out.data, out.requires_grad) == (float, 0.0, False)


def test_total_of_numbers_needs_no_gradient():
    out = total([1.0, 2, Value(3.0, requires_grad=False)])
    assert (out.data, out.requires_grad) == (6.0, False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.backward()


def test_total_rejects_a_non_number():
    with pytest.raises(TypeError, match="real number"):
        total([Value(1.0), "2"])
