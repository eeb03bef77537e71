"""ember.Value against torch in float64: every op's value and gradient, torch's nan/inf rules,
random expression trees (hypothesis), and backward's contract (accumulation, shared nodes, depth)."""

import functools
import gc
import math
import operator
import signal
from contextlib import contextmanager

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ember import Value

# Python floats against torch float64 running the same operations: the exact class of the
# tolerance contract (tests/tolerances.py), which math.exp and math.tanh meet here too
RTOL = 1e-12
inf, nan = math.inf, math.nan

# nan equals nan, inf only the same signed inf, everything else within RTOL and no absolute slack.
approx = functools.partial(pytest.approx, rel=RTOL, abs=0.0, nan_ok=True)


def f64(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def ember_run(fn, xs, kinds):
    """fn over Values ("value" in kinds) and plain numbers ("number"); its value, leaf grads."""
    args = [Value(x) if kind == "value" else x for x, kind in zip(xs, kinds)]
    out = fn(*args)
    out.backward()
    return out.data, [a.grad for a in args if isinstance(a, Value)]


def torch_grad(t: torch.Tensor) -> float:
    """A leaf's gradient; None (no path to the output) reads as ember's 0."""
    return 0.0 if t.grad is None else t.grad.item()


def torch_run(fn, xs, kinds):
    """The same with float64 tensors as leaves."""
    args = [f64(x) if kind == "value" else x for x, kind in zip(xs, kinds)]
    out = fn(*args)
    out.backward()
    return out.item(), [torch_grad(a) for a in args if isinstance(a, torch.Tensor)]


def assert_matches_torch(fn, *xs, kinds=None):
    """Run fn in both engines, assert the value and every leaf gradient agree; return ember's."""
    kinds = kinds or ("value",) * len(xs)
    value, grads = ember_run(fn, xs, kinds)
    want_value, want_grads = torch_run(fn, xs, kinds)
    assert value == approx(want_value), f"value of {xs}"
    assert grads == approx(want_grads), f"gradients at {xs}"
    return value, grads


UNARY = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "abs": lambda x: x.abs(),
    "builtin_abs": abs,
    "sqrt": lambda x: x.sqrt(),
    "square": lambda x: x**2,
    "cube": lambda x: x**3,
    "reciprocal": lambda x: x**-1,
    "inverse_square": lambda x: x**-2,
    "pow_0": lambda x: x**0,
    "pow_1.5": lambda x: x**1.5,
    "pow_-2.5": lambda x: x**-2.5,
}
UNARY_POINTS = [-inf, -1000.0, -720.0, -3.5, -1.0, -0.5, -1e-3, -0.0, 0.0]
UNARY_POINTS += [1e-3, 0.25, 1.0, 2.0, 20.0, 1000.0, inf, nan]
# torch computes t**0.5 as sqrt(t): (-inf)**0.5 is nan there, +inf in IEEE pow (C99 F.9.4.4),
# which ember follows; x**1.5's derivative 1.5 x**0.5 meets that point.
IEEE_POW_POINTS = {("pow_1.5", -inf)}

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "pow": operator.pow,
}
BINARY_POINTS = [-2.5, -1.0, 0.0, 0.5, 1.0, 3.0]
MIXES = [("value", "value"), ("value", "number"), ("number", "value")]


# every op, value and gradient, against torch


@pytest.mark.parametrize(
    "name, x", [(name, x) for name in UNARY for x in UNARY_POINTS if (name, x) not in IEEE_POW_POINTS]
)
def test_unary_op_matches_torch(name, x):
    assert_matches_torch(UNARY[name], x)


@pytest.mark.parametrize("b", BINARY_POINTS)
@pytest.mark.parametrize("a", BINARY_POINTS)
@pytest.mark.parametrize("kinds", MIXES, ids="-".join)
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_matches_torch(name, kinds, a, b):
    assert_matches_torch(BINARY[name], a, b, kinds=kinds)


@pytest.mark.parametrize("x", [-2.0, 0.0, 0.5, 3.0])
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_of_a_value_with_itself_matches_torch(name, x):
    assert_matches_torch(lambda a: BINARY[name](a, a), x)


@pytest.mark.parametrize(
    "fn, x, value, grad",
    [
        (lambda x: x.relu(), 0.0, 0.0, 0.0),
        (lambda x: x.relu(), -2.0, 0.0, 0.0),
        (lambda x: x.relu(), 2.0, 2.0, 1.0),
        (lambda x: x.abs(), 0.0, 0.0, 0.0),
        (lambda x: x.abs(), -2.0, 2.0, -1.0),
        (lambda x: x.abs(), 2.0, 2.0, 1.0),
    ],
    ids=["relu_0", "relu_neg", "relu_pos", "abs_0", "abs_neg", "abs_pos"],
)
def test_kinks_take_torchs_choice(fn, x, value, grad):
    assert assert_matches_torch(fn, x) == (value, [grad])


def test_in_place_add_rebinds_to_a_new_node():
    a = Value(2.0)
    x = a
    x += 3.0
    x += a
    assert (a.data, x.data) == (2.0, 7.0)
    x.backward()
    assert a.grad == 2.0


# torch's answers where the math has none: nan and inf, never an exception

SPECIAL = [
    ("log_negative", lambda x: x.log(), [-1.0], None, nan, [-1.0]),
    ("log_zero", lambda x: x.log(), [0.0], None, -inf, [inf]),
    ("log_inf", lambda x: x.log(), [inf], None, inf, [0.0]),
    ("exp_overflow", lambda x: x.exp(), [1000.0], None, inf, [inf]),
    ("exp_underflow", lambda x: x.exp(), [-1000.0], None, 0.0, [0.0]),
    ("sqrt_negative", lambda x: x.sqrt(), [-4.0], None, nan, [nan]),
    ("sqrt_zero", lambda x: x.sqrt(), [0.0], None, 0.0, [inf]),
    ("div_pos_by_zero", operator.truediv, [1.0, 0.0], None, inf, [inf, -inf]),
    ("div_neg_by_zero", operator.truediv, [-1.0, 0.0], None, -inf, [inf, inf]),
    ("div_pos_by_neg_zero", operator.truediv, [1.0, -0.0], None, -inf, [-inf, -inf]),
    ("div_zero_by_zero", operator.truediv, [0.0, 0.0], None, nan, [inf, nan]),
    ("div_by_number_zero", operator.truediv, [3.0, 0.0], ("value", "number"), inf, [inf]),
    ("number_div_by_zero", operator.truediv, [3.0, 0.0], ("number", "value"), inf, [-inf]),
    ("negative_pow_fraction", lambda x: x ** (1 / 3), [-8.0], None, nan, [nan]),
    ("negative_pow_value_fraction", operator.pow, [-8.0, 0.5], None, nan, [nan, nan]),
    ("negative_pow_value_integer", operator.pow, [-2.0, 3.0], None, -8.0, [12.0, nan]),
    ("number_negative_pow_value", operator.pow, [-2.0, 0.5], ("number", "value"), nan, [nan]),
    ("zero_pow_negative", lambda x: x**-1, [0.0], None, inf, [-inf]),
    ("zero_pow_value_negative", operator.pow, [0.0, -1.0], None, inf, [-inf, -inf]),
    ("zero_pow_value_zero", operator.pow, [0.0, 0.0], None, 1.0, [0.0, 0.0]),
    ("zero_pow_value_positive", operator.pow, [0.0, 2.0], None, 0.0, [0.0, 0.0]),
    ("pow_overflow", lambda x: x**400, [10.0], None, inf, [inf]),
    ("negative_pow_overflow", lambda x: x**401, [-10.0], None, -inf, [inf]),
    ("number_zero_pow_value", operator.pow, [0.0, 2.0], ("number", "value"), 0.0, [0.0]),
    ("tanh_inf", lambda x: x.tanh(), [inf], None, 1.0, [0.0]),
    ("sigmoid_large", lambda x: x.sigmoid(), [1000.0], None, 1.0, [0.0]),
    ("sigmoid_small", lambda x: x.sigmoid(), [-1000.0], None, 0.0, [0.0]),
    ("sigmoid_where_exp_overflows", lambda x: x.sigmoid(), [-720.0], None, 0.0, [0.0]),
    ("relu_nan", lambda x: x.relu(), [nan], None, nan, [1.0]),
    ("inf_times_zero", operator.mul, [inf, 0.0], None, nan, [0.0, inf]),
    ("inf_minus_inf", operator.sub, [inf, inf], None, nan, [1.0, -1.0]),
    # torch masks these gradients: an inf from above does not turn the zero into nan
    ("sqrt_of_dead_relu", lambda x: x.relu().sqrt(), [-1.0], None, 0.0, [0.0]),
    ("log_of_dead_relu", lambda x: x.relu().log(), [-1.0], None, -inf, [0.0]),
    ("log_of_pow_zero_minus_one", lambda x: (x**0 - 1).log(), [3.0], None, -inf, [0.0]),
    ("log_of_value_pow_zero", lambda x, p: (x**p - 1).log(), [3.0, 0.0], None, -inf, [0.0, inf]),
    # while a plain product by zero does: inf * 0 is nan
    ("log_of_abs_zero", lambda x: x.abs().log(), [0.0], None, -inf, [nan]),
    ("log_of_product_zero", lambda x, y: (x * y).log(), [0.0, 0.0], None, -inf, [nan, nan]),
    ("relu_of_neg_zero_keeps_sign", lambda x: 1 / x.relu(), [-0.0], None, -inf, [0.0]),
]


@pytest.mark.parametrize("fn, xs, kinds, value, grads", [c[1:] for c in SPECIAL], ids=[c[0] for c in SPECIAL])
def test_special_values_match_torch(fn, xs, kinds, value, grads):
    got_value, got_grads = assert_matches_torch(fn, *xs, kinds=kinds)
    assert got_value == approx(value)
    assert got_grads == approx(grads)


# random expression trees: ember and torch must agree on the value and every leaf gradient

# Numbers enter torch as 0-d tensors: torch's shortcuts for Python numbers (c / t computed as
# c * (1/t), t**3 as t*t*t) round differently from the plain IEEE operation both engines share.
# An engine: (make a leaf, make a constant, the value of a node, the gradient of a leaf).
TORCH = (f64, lambda c: torch.tensor(c, dtype=torch.float64), torch.Tensor.item, torch_grad)
EMBER = (Value, float, lambda v: v.data, lambda v: v.grad)
TREE_UNARY = ["neg", "exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt"]
# 0 or 1e-3 <= |x| <= 3: no subnormals, whose reciprocals overflow where torch's g / x would not
numbers = st.just(0.0) | st.floats(1e-3, 3.0) | st.floats(-3.0, -1e-3)


def trees(n_leaves: int):
    """("leaf", i) | (unary, t) | (binary, t, t) | (binary, t, c) | (binary, c, t), c a number."""
    leaf = st.integers(0, n_leaves - 1).map(lambda i: ("leaf", i))

    def grow(t):
        ops, const = st.sampled_from(list(BINARY)), numbers.map(lambda c: ("const", c))
        return (
            st.tuples(st.sampled_from(TREE_UNARY), t)
            | st.tuples(ops, t, t)
            | st.tuples(ops, t, const)
            | st.tuples(ops, const, t)
        )

    return st.recursive(leaf, grow, max_leaves=10)


@st.composite
def expressions(draw):
    n = draw(st.integers(2, 4))
    return draw(trees(n)), draw(st.lists(numbers, min_size=n, max_size=n))


def evaluate(tree, leaf, const):
    op, *args = tree
    if op == "leaf":
        return leaf(args[0])
    if op == "const":
        return const(args[0])
    args = [evaluate(arg, leaf, const) for arg in args]
    return UNARY[op](*args) if op in UNARY else BINARY[op](*args)


def backprop(tree, xs, engine, shared):
    """The tree's value and [(leaf index, gradient)]. shared=False makes every use of a leaf its
    own leaf, so each gradient is the product along one path, with no sum to cancel in."""
    make_leaf, const, value_of, grad_of = engine
    made, uses = {}, []

    def leaf(i):
        if not shared or i not in made:
            made[i] = make_leaf(xs[i])
            uses.append((i, made[i]))
        return made[i]

    out = evaluate(tree, leaf, const)
    out.backward()
    return value_of(out), [(i, grad_of(v)) for i, v in uses]


@settings(max_examples=400, derandomize=True)  # the same 400 trees on every run and machine
@given(expressions())
def test_random_expression_trees_match_torch(expression):
    tree, xs = expression
    value, paths = backprop(tree, xs, EMBER, shared=False)
    want_value, want_paths = backprop(tree, xs, TORCH, shared=False)
    assert value == approx(want_value)
    assert [g for _, g in paths] == approx([g for _, g in want_paths])

    _, grads = backprop(tree, xs, EMBER, shared=True)
    _, want_grads = backprop(tree, xs, TORCH, shared=True)
    for (i, grad), (_, want) in zip(grads, want_grads):
        # a sum's rounding error scales with its terms, not with the sum: terms may cancel
        terms = math.fsum(abs(g) for j, g in want_paths if j == i and math.isfinite(g))
        assert grad == pytest.approx(want, rel=RTOL, abs=RTOL * terms, nan_ok=True), f"leaf {i}"


# micrograd's test_engine: its two expressions, rebuilt in torch


def micrograd_sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def micrograd_more_ops(a, b):
    """The seed example (my_autograd's and micrograd's README): g = 24.7041 at a=-4, b=2."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_micrograd_sanity_check():
    value, grads = assert_matches_torch(micrograd_sanity, -4.0)
    assert (value, grads) == (-20.0, [46.0])


def test_seed_example_matches_torch_exactly_and_prints_as_documented():
    a, b = Value(-4.0), Value(2.0)
    g = micrograd_more_ops(a, b)
    g.backward()
    ta, tb = f64(-4.0), f64(2.0)
    tg = micrograd_more_ops(ta, tb)
    tg.backward()
    assert (g.data, a.grad, b.grad) == (tg.item(), ta.grad.item(), tb.grad.item())
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == ("24.7041", "138.8338", "645.5773")
    assert str(a) == "data:  -4.0000, grad: 138.8338, name:, op:"
    assert str(b) == "data:   2.0000, grad: 645.5773, name:, op:"
    assert str(g) == "data:  24.7041, grad:   1.0000, name:, op:+"


# what a Value holds and how it prints


def test_attributes_and_defaults():
    v = Value(3)
    assert (type(v.data), v.data, v.grad) == (float, 3.0, 0.0)
    assert (v.name, v.op, v.requires_grad, v.is_leaf) == ("", "", True, True)
    w = Value(1.5, requires_grad=False, name="w")
    assert (w.data, w.requires_grad, w.name) == (1.5, False, "w")


def test_op_names():
    a, b = Value(2.0), Value(3.0)
    ops = {
        "+": a + b, "-": a - b, "*": a * b, "/": a / b, "**": a**b, "**2": a**2, "neg": -a,
        "exp": a.exp(), "log": a.log(), "tanh": a.tanh(), "sigmoid": a.sigmoid(), "ReLU": a.relu(),
        "abs": a.abs(), "sqrt": a.sqrt(),
    }
    assert {op: v.op for op, v in ops.items()} == {op: op for op in ops}
    assert ((2 + a).op, (2**a).op, (2 - a).op, (2 / a).op, (2 * a).op) == ("+", "**", "-", "/", "*")
    assert not any(v.is_leaf for v in ops.values())


def test_str_is_my_autograds_format():
    assert str(Value(-4.0)) == "data:  -4.0000, grad:   0.0000, name:, op:"
    w = Value(1.5, name="w")
    y = w * 2.0
    y.backward()
    assert str(w) == "data:   1.5000, grad:   2.0000, name:w, op:"
    assert str(y) == "data:   3.0000, grad:   1.0000, name:, op:*"


def test_repr_is_micrograds_format():
    v = Value(2.0)
    assert repr(v) == "Value(data=2.0, grad=0.0)"
    (v * 3).backward()
    assert repr(v) == "Value(data=2.0, grad=3.0)"


# backward's contract


def test_backward_twice_doubles_leaf_grads_but_not_intermediate_ones():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = d * d
    e.backward()
    assert [a.grad, b.grad, c.grad, d.grad] == [64.0, 32.0, 16.0, 16.0]
    e.backward()
    assert [a.grad, b.grad, c.grad, d.grad] == [128.0, 64.0, 16.0, 16.0]
    ta, tb = f64(2.0), f64(3.0)
    te = (ta * tb + ta) ** 2
    te.backward(retain_graph=True)
    te.backward()
    assert [a.grad, b.grad] == approx([ta.grad.item(), tb.grad.item()])


def test_backward_of_a_leaf_accumulates_like_torch():
    v = Value(5.0)
    v.backward()
    v.backward()
    assert v.grad == 2.0


def test_backward_with_an_upstream_gradient():
    a = Value(3.0)
    y = a * a
    y.backward(2.5)
    assert (a.grad, y.grad) == (15.0, 2.5)


def test_shared_node_counts_every_use():
    a = Value(3.0)
    b = a + a
    c = b * b
    c.backward()
    assert (c.data, b.grad, a.grad) == (36.0, 12.0, 24.0)
    ta = f64(3.0)
    tb = ta + ta
    (tb * tb).backward()
    assert a.grad == ta.grad.item()


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging when something meant to be linear is exponential."""

    def expire(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_backward_is_linear_on_shared_nodes():
    """y = y + y, 1000 times: 2^1000 paths from y to x, but only 1001 nodes to visit."""
    x = Value(1.0)
    y = x
    for _ in range(1000):
        y = y + y
    with deadline(5.0):
        y.backward()
    assert (y.data, x.grad) == (2.0**1000, 2.0**1000)


def test_million_node_chain_backward_and_zero_grad():
    x = Value(0.5)
    c = Value(1.0000001, requires_grad=False)
    gc.disable()  # the collector's scans of a million live nodes would cost more than the test
    try:
        y = x
        for _ in range(1_000_000):
            y = y * c
        y.backward()
        assert x.grad == approx(1.0000001**1_000_000)
        assert y.data == approx(0.5 * 1.0000001**1_000_000)
        y.zero_grad()
        assert (x.grad, y.grad) == (0.0, 0.0)
        del y
    finally:
        gc.enable()


def test_leaves_without_requires_grad_get_no_gradient():
    a = Value(2.0)
    k = Value(5.0, requires_grad=False)
    y = a * k + k**2
    assert (y.requires_grad, (k * k).requires_grad, (k + 1).requires_grad) == (True, False, False)
    y.backward()
    y.backward()
    assert (a.grad, k.grad) == (10.0, 0.0)


def test_zero_grad_clears_the_whole_graph_and_only_it():
    a, b, other = Value(2.0), Value(3.0), Value(1.0)
    c = a * b
    y = c + a
    (other * 2).backward()
    y.backward()
    y.zero_grad()
    assert [a.grad, b.grad, c.grad, y.grad] == [0.0, 0.0, 0.0, 0.0]
    assert other.grad == 2.0
    y.backward()
    assert [a.grad, b.grad] == [4.0, 2.0]


# errors


@pytest.mark.parametrize("data", ["x", "1.5", None, [1.0], 1 + 2j])
def test_value_of_a_non_number_is_a_type_error(data):
    with pytest.raises(TypeError, match="real number"):
        Value(data)


def test_value_of_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "fn",
    [lambda v: v + "1", lambda v: "1" * v, lambda v: v ** "2", lambda v: None - v],
    ids=["add", "rmul", "pow", "rsub"],
)
def test_arithmetic_with_a_non_number_is_a_type_error(fn):
    with pytest.raises(TypeError, match="real number"):
        fn(Value(2.0))


@pytest.mark.parametrize(
    "make",
    [lambda: Value(1.0, requires_grad=False), lambda: Value(2.0, requires_grad=False) * 3],
    ids=["leaf", "node"],
)
def test_backward_without_requires_grad_is_a_runtime_error(make):
    with pytest.raises(RuntimeError, match="does not require grad"):
        make().backward()
