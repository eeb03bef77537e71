"""ember.scalar.nn against torch (float64): outputs, input gradients and every parameter gradient."""

import math
import random

import pytest
import torch
import torch.nn.functional as F

import ember
from ember import Value
from ember.scalar import nn
from ember.scalar.nn import MLP, Layer, Linear, Module, Neuron, cross_entropy, softmax

# Python floats against torch float64 running the same operations: the exact class of the
# tolerance contract (tests/tolerances.py), which math.exp and math.tanh meet here too
RTOL = 1e-12


def f64(data) -> torch.Tensor:
    return torch.tensor(data, dtype=torch.float64)


def close(a: float, b: float, rtol: float = RTOL) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12)


def torch_mlp(model: MLP) -> torch.nn.Sequential:
    """The same network in torch: Linear layers with ember's weights, ReLU between them."""
    modules: list[torch.nn.Module] = []
    for i, layer in enumerate(model.layers):
        nin, nout = len(layer.neurons[0].w), len(layer.neurons)
        linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(f64([[w.data for w in n.w] for n in layer.neurons]))
            linear.bias.copy_(f64([n.b.data for n in layer.neurons]))
        modules.append(linear)
        if i < len(model.layers) - 1:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def torch_param_grads(seq: torch.nn.Sequential) -> list[float]:
    """Gradients in ember's parameter order: per neuron, its weights then its bias."""
    grads: list[float] = []
    for m in seq:
        if isinstance(m, torch.nn.Linear):
            for row, b in zip(m.weight.grad.tolist(), m.bias.grad.tolist()):
                grads += row + [b]
    return grads


@pytest.mark.parametrize("nin,nouts", [(2, [16, 16, 1]), (3, [4, 5, 3]), (1, [1, 4, 2])])
def test_mlp_matches_torch(nin, nouts):
    model = MLP(nin, nouts, seed=7)
    ref = torch_mlp(model)
    rng = random.Random(1)
    x_vals = [rng.uniform(-2, 2) for _ in range(nin)]
    coeffs = [rng.uniform(-1, 1) for _ in range(nouts[-1])]

    xs = [Value(v) for v in x_vals]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    loss = sum((c * o for c, o in zip(coeffs, outs)), Value(0.0))
    loss.backward()

    xt = f64(x_vals).requires_grad_()
    yt = ref(xt)
    (yt * f64(coeffs)).sum().backward()

    assert [o.data for o in outs] == pytest.approx(yt.tolist(), rel=RTOL)
    assert all(close(a.grad, b) for a, b in zip(xs, xt.grad.tolist()))
    grads = torch_param_grads(ref)
    assert len(grads) == len(model.parameters())
    assert all(close(p.grad, g) for p, g in zip(model.parameters(), grads))


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh"])
def test_linear_matches_torch(activation):
    layer = Linear(5, 4, activation=activation, seed=3)
    ref = torch.nn.Linear(5, 4, dtype=torch.float64)
    with torch.no_grad():
        ref.weight.copy_(f64([[w.data for w in row] for row in layer.weight]))
        ref.bias.copy_(f64([b.data for b in layer.bias]))
    act = {None: torch.nn.Identity(), "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    act = act[activation]
    x_vals = [0.3, -1.2, 2.0, 0.7, -0.4]
    coeffs = [1.0, -2.0, 0.5, 3.0]

    xs = [Value(v) for v in x_vals]
    outs = layer(xs)
    sum((c * o for c, o in zip(coeffs, outs)), Value(0.0)).backward()
    xt = f64(x_vals).requires_grad_()
    yt = act(ref(xt))
    (yt * f64(coeffs)).sum().backward()

    assert [o.data for o in outs] == pytest.approx(yt.tolist(), rel=RTOL)
    assert all(close(a.grad, b) for a, b in zip(xs, xt.grad.tolist()))
    torch_grads = ref.weight.grad.flatten().tolist() + ref.bias.grad.tolist()
    assert all(close(p.grad, g) for p, g in zip(layer.parameters(), torch_grads))


def test_linear_init_bounds_and_no_bias():
    layer = Linear(16, 8, seed=0)
    bound = 1 / math.sqrt(16)
    assert all(-bound <= p.data <= bound for p in layer.parameters())
    assert len(layer.parameters()) == 16 * 8 + 8
    no_bias = Linear(3, 2, bias=False, seed=0)
    assert no_bias.bias is None and len(no_bias.parameters()) == 6
    assert [v.data for v in no_bias([1.0, 0.0, 0.0])] == [row[0].data for row in no_bias.weight]
    with pytest.raises(ValueError, match="activation"):
        Linear(2, 2, activation="gelu")
    with pytest.raises(ValueError, match="expects 3 inputs"):
        no_bias([1.0, 2.0])


@pytest.mark.parametrize(
    "logits",
    [[1.0, 2.0, 3.0], [0.5, -0.5], [1000.0, 0.0, -1000.0], [1000.0, 1000.0, 999.0], [-1000.0, -1001.0]],
)
def test_softmax_matches_torch(logits):
    zs = [Value(v) for v in logits]
    probs = softmax(zs)
    coeffs = [float(i + 1) for i in range(len(logits))]
    sum((c * p for c, p in zip(coeffs, probs)), Value(0.0)).backward()

    zt = f64(logits).requires_grad_()
    pt = torch.softmax(zt, dim=0)
    (pt * f64(coeffs)).sum().backward()

    assert all(math.isfinite(p.data) for p in probs)
    assert [p.data for p in probs] == pytest.approx(pt.tolist(), rel=RTOL, abs=1e-300)
    assert [z.grad for z in zs] == pytest.approx(zt.grad.tolist(), rel=RTOL, abs=1e-12)


@pytest.mark.parametrize(
    "logits,target",
    [
        ([1.0, 2.0, 3.0], 0),
        ([0.2, -0.3, 0.1, 2.5], 3),
        ([1000.0, 0.0, -1000.0], 1),
        ([1000.0, 1000.0], 0),
    ],
)
def test_cross_entropy_matches_torch(logits, target):
    zs = [Value(v) for v in logits]
    loss = cross_entropy(zs, target)
    loss.backward()

    zt = f64(logits).requires_grad_()
    lt = F.cross_entropy(zt.unsqueeze(0), torch.tensor([target]))
    lt.backward()

    assert math.isfinite(loss.data)
    assert close(loss.data, lt.item())
    assert [z.grad for z in zs] == pytest.approx(zt.grad.tolist(), rel=RTOL, abs=1e-12)


def test_cross_entropy_equals_composed_softmax():
    zs = [Value(v) for v in (0.1, -2.0, 1.3)]
    assert close(cross_entropy(zs, 2).data, -softmax(zs)[2].log().data)
    with pytest.raises(IndexError, match="out of bounds"):
        cross_entropy(zs, 3)
    with pytest.raises(ValueError, match="empty"):
        softmax([])


def test_softmax_and_cross_entropy_accept_numbers():
    probs = softmax([0.0, 0.0])
    assert [p.data for p in probs] == [0.5, 0.5]
    assert not probs[0].requires_grad
    assert close(cross_entropy([0.0, 0.0], 1).data, math.log(2))


def test_seeded_init_is_reproducible():
    a = MLP(2, [16, 16, 1], seed=0)
    b = MLP(2, [16, 16, 1], seed=0)
    c = MLP(2, [16, 16, 1], seed=1)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]

    ember.manual_seed(0)
    d = MLP(2, [16, 16, 1])
    assert [p.data for p in d.parameters()] == [p.data for p in a.parameters()]
    ember.manual_seed(5)
    l1 = Linear(4, 3)
    ember.manual_seed(5)
    l2 = Linear(4, 3)
    assert [p.data for p in l1.parameters()] == [p.data for p in l2.parameters()]


def test_seed_and_rng_are_exclusive():
    with pytest.raises(ValueError, match="either seed= or rng="):
        Neuron(2, seed=0, rng=random.Random(0))


def test_micrograd_init():
    model = MLP(3, [4, 1], seed=2)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    assert all(-1 <= w.data <= 1 for w in weights)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_same_weights_as_micrograd():
    import micrograd.nn as micrograd_nn

    random.seed(3)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    ours = MLP(2, [16, 16, 1], seed=3)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    points = [([0.5, -1.5], 1), ([1.0, 0.2], -1), ([-0.3, 0.8], 1)]
    losses = []
    for model, make in ((ours, Value), (theirs, micrograd_nn.Value)):
        scores = [model([make(v) for v in x]) for x, _ in points]
        loss = sum(((1 + -y * s).relu() for (_, y), s in zip(points, scores)), make(0.0))
        model.zero_grad()
        loss.backward()
        losses.append(loss.data)
    assert close(losses[0], losses[1])
    assert all(close(p.grad, q.grad) for p, q in zip(ours.parameters(), theirs.parameters()))


def test_reprs():
    assert repr(Neuron(2, seed=0)) == "ReLUNeuron(2)"
    assert repr(Neuron(16, nonlin=False, seed=0)) == "LinearNeuron(16)"
    assert repr(Layer(2, 2, seed=0)) == "Layer of [ReLUNeuron(2), ReLUNeuron(2)]"
    assert repr(MLP(2, [2, 1], seed=0)) == (
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    )
    assert repr(Linear(10, 11, activation="relu", seed=0)) == (
        "Linear(in_features=10, out_features=11, bias=True, activation='relu')"
    )


def test_micrograd_compat_outputs():
    model = MLP(2, [4, 1], seed=0)
    assert isinstance(model([1.0, 2.0]), Value)
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert len(Layer(2, 3, seed=0)([1.0, 2.0])) == 3
    assert len(MLP(2, [4, 3], seed=0)([Value(1.0), 2.0])) == 3
    assert len(model.parameters()) == (2 + 1) * 4 + (4 + 1)
    assert isinstance(model, Module)
    assert Module().parameters() == []


def test_neuron_is_one_node():
    n = Neuron(3, seed=0)
    xs = [Value(1.0), Value(2.0), Value(-1.0)]
    y = n(xs)
    assert set(map(id, y._prev)) == set(map(id, xs + n.parameters()))


def test_zero_grad():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_width_one_hidden_layer():
    model = MLP(2, [1, 2], seed=0)
    out = model([1.0, 2.0])
    assert len(out) == 2
    assert isinstance(Neuron(1, seed=0)(Value(2.0)), Value)


def test_module_exports():
    assert {"Module", "Neuron", "Layer", "MLP", "Linear", "softmax", "cross_entropy"} <= set(dir(nn))
