"""The Module API against torch's: registration and its order, named_* prefixes, train/eval,
zero_grad, apply/to, hooks, state_dict keys and loading errors, and repr."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from ember.utils.hooks import RemovableHandle


def net(m):
    """The same architecture in either library (m is ember.nn or torch.nn, lib ember or torch)."""
    lib = ember if m is nn else torch

    class Block(m.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.Linear(3, 3)
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.act = m.Tanh()
            self.scale = m.Parameter(lib.ones(1))

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale + self.running

    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.embed = m.Linear(2, 3, bias=False)
            self.blocks = m.ModuleList([Block(), Block()])
            self.heads = m.ModuleDict({"b": m.Linear(3, 1), "a": m.Sequential(m.Linear(3, 2), m.ReLU())})
            self.register_buffer("steps", lib.tensor(0))

        def forward(self, x):
            h = self.embed(x)
            for block in self.blocks:
                h = block(h)
            return self.heads["b"](h) + self.heads["a"](h).sum(-1, keepdim=True)

    return Net()


def names(pairs) -> list:
    return [name for name, _ in pairs]


def test_named_members_and_state_dict_keys_equal_torchs() -> None:
    e, t = net(nn), net(torch.nn)
    assert names(e.named_parameters()) == names(t.named_parameters())
    assert names(e.named_buffers()) == names(t.named_buffers())
    assert names(e.named_modules()) == names(t.named_modules())
    assert names(e.named_children()) == names(t.named_children())
    assert names(e.named_parameters(prefix="model")) == names(t.named_parameters(prefix="model"))
    assert names(e.blocks[0].named_parameters(recurse=False)) == ["scale"]
    assert names(e.named_buffers(recurse=False)) == ["steps"]
    assert [type(m).__name__ for m in e.modules()] == [type(m).__name__ for m in t.modules()]
    e_sd, t_sd = e.state_dict(), t.state_dict()
    assert isinstance(e_sd, OrderedDict)
    assert list(e_sd) == list(t_sd)
    assert "blocks.0.scratch" not in e_sd and "blocks.0.running" in e_sd
    assert [tuple(v.shape) for v in e_sd.values()] == [tuple(v.shape) for v in t_sd.values()]


def test_a_whole_model_moves_both_ways_and_computes_the_same() -> None:
    e, t = net(nn).double(), net(torch.nn).double()
    with torch.no_grad():
        t.blocks[1].running.fill_(0.5)
    assert e.load_state_dict(t.state_dict()).missing_keys == []
    x = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), rtol=1e-12)
    e2, t2 = net(nn).double(), net(torch.nn).double()
    t2.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in e2.state_dict().items()})
    np.testing.assert_allclose(e2(ember.tensor(x)).detach().numpy(), t2(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_state_dict_shares_memory_detached_and_keep_vars() -> None:
    layer = nn.Linear(2, 2)
    sd = layer.state_dict()
    assert not sd["weight"].requires_grad
    assert np.shares_memory(sd["weight"].numpy(), layer.weight.detach().numpy())
    assert layer.state_dict(keep_vars=True)["weight"] is layer.weight
    assert list(layer.state_dict(prefix="enc.")) == ["enc.weight", "enc.bias"]


def test_load_state_dict_copies_in_place_and_returns_the_keys() -> None:
    layer = nn.Linear(2, 3)
    weight, array = layer.weight, layer.weight.detach().numpy()
    version = weight._version
    result = layer.load_state_dict({"weight": ember.ones(3, 2, dtype=ember.float64), "bias": np.zeros(3)})
    assert repr(result) == "<All keys matched successfully>"
    assert result == (result.missing_keys, result.unexpected_keys) == ([], [])
    assert layer.weight is weight and weight.requires_grad and weight.dtype is ember.float32
    np.testing.assert_array_equal(array, np.ones((3, 2)))  # same storage, new values
    assert weight._version > version


def test_load_state_dict_errors_match_torchs() -> None:
    e, t = nn.Linear(2, 3), torch.nn.Linear(2, 3)
    bad = {"weight": np.zeros((4, 2), np.float32), "extra": np.zeros(1, np.float32)}
    with pytest.raises(RuntimeError) as t_err:
        t.load_state_dict({k: torch.from_numpy(v) for k, v in bad.items()})
    with pytest.raises(RuntimeError) as e_err:
        e.load_state_dict(bad)
    assert str(e_err.value) == str(t_err.value).replace("torch.Size(", "ember.Size(")
    message = str(e_err.value)
    assert message.startswith("Error(s) in loading state_dict for Linear:")
    assert 'Missing key(s) in state_dict: "bias".' in message
    assert 'Unexpected key(s) in state_dict: "extra".' in message
    assert "size mismatch for weight: copying a param with shape ember.Size([4, 2]) from checkpoint, the shape in current model is ember.Size([3, 2])." in message


def test_non_strict_loading_reports_the_keys_and_still_refuses_a_wrong_shape() -> None:
    e, t = net(nn), net(torch.nn)
    partial = {k: v for k, v in t.state_dict().items() if not k.startswith("heads")}
    partial["nonsense.weight"] = torch.zeros(1)
    e_res, t_res = e.load_state_dict(partial, strict=False), t.load_state_dict(partial, strict=False)
    assert (e_res.missing_keys, e_res.unexpected_keys) == (t_res.missing_keys, t_res.unexpected_keys)
    assert e_res.unexpected_keys == ["nonsense.weight"] and len(e_res.missing_keys) == 4
    strict_keys = lambda: e.load_state_dict(partial)  # noqa: E731
    with pytest.raises(RuntimeError, match='Missing key.*"heads.b.weight".*\n.*Unexpected key.*"nonsense.weight"'):
        strict_keys()
    wrong = dict(t.state_dict(), **{"blocks.1.fc.bias": torch.zeros(4)})
    with pytest.raises(RuntimeError, match=r"size mismatch for blocks.1.fc.bias: .* ember.Size\(\[4\]\) .* ember.Size\(\[3\]\)"):
        e.load_state_dict(wrong, strict=False)
    with pytest.raises(RuntimeError, match='expected a Tensor or array-like object from checkpoint'):
        e.load_state_dict(dict(t.state_dict(), steps="zero"))
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        e.load_state_dict([("steps", 0)])


def test_load_state_dict_assign_adopts_the_tensors() -> None:
    layer = nn.Linear(2, 2)
    new = {"weight": ember.ones(2, 2, dtype=ember.float64), "bias": ember.zeros(2, dtype=ember.float64)}
    layer.load_state_dict(new, assign=True)
    assert layer.weight.dtype is ember.float64 and isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad
    assert np.shares_memory(layer.weight.detach().numpy(), new["weight"].numpy())


def test_registration_order_and_reassignment() -> None:
    m = nn.Module()
    m.b = nn.Parameter(ember.ones(1))
    m.a = nn.Linear(1, 1)
    m.register_buffer("c", ember.zeros(1))
    m.register_parameter("absent", None)
    assert list(m._parameters) == ["b", "absent"] and list(m._modules) == ["a"] and list(m._buffers) == ["c"]
    assert m.absent is None and names(m.named_parameters()) == ["b", "a.weight", "a.bias"]
    m.a = None
    assert m._modules["a"] is None and names(m.named_parameters()) == ["b"]
    m.a = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="cannot assign 'Linear' as parameter 'b'"):
        m.b = nn.Linear(1, 1)
    m.b = None
    assert m._parameters["b"] is None
    m.d = 5
    m.d = nn.Linear(1, 1)  # a module replaces a plain attribute of the same name
    assert "d" not in m.__dict__ and list(m._modules) == ["a", "d"]
    m.c = ember.ones(2)  # a tensor assigned to a buffer's name stays a buffer
    assert m.c.shape == (2,) and "c" in m._buffers
    m.plain = 3
    assert m.plain == 3 and "plain" in m.__dict__
    del m.a, m.c, m.plain
    assert names(m.named_children()) == ["d"] and list(m._buffers) == []
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'a'"):
        m.a


def test_shared_parameters_and_modules_are_listed_once() -> None:
    shared = nn.Linear(2, 2)
    m = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(m.parameters())) == 2 and len(list(m.modules())) == 3
    assert names(m.named_parameters(remove_duplicate=False)) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(m.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    t = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    t.append(t[0])
    assert names(m.named_modules(remove_duplicate=False)) == names(t.named_modules(remove_duplicate=False))


def test_registration_errors() -> None:
    m = nn.Module()
    m.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", ember.ones(1))
    with pytest.raises(KeyError, match="parameter name can.*t contain"):
        m.register_parameter("a.b", nn.Parameter(ember.ones(1)))
    with pytest.raises(KeyError, match="empty string"):
        m.add_module("", nn.ReLU())
    with pytest.raises(TypeError, match="buffer name should be a string"):
        m.register_buffer(1, None)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' object to parameter 'p'"):
        m.register_parameter("p", ember.ones(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("child", 3)
    m.w = nn.Parameter(ember.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'w'"):
        m.w = ember.ones(1)

    class Forgot(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ember.ones(1))

    with pytest.raises(AttributeError, match=r"cannot assign parameters before Module.__init__\(\) call"):
        Forgot()
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required "forward" function'):
        nn.Module()(1)


def test_get_submodule() -> None:
    e = net(nn)
    assert e.get_submodule("blocks.1.fc") is e.blocks[1].fc and e.get_submodule("") is e
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        e.get_submodule("blocks.nope")
    with pytest.raises(AttributeError, match="`running` is not an nn.Module"):
        e.get_submodule("blocks.0.running")


def test_train_eval_propagate_and_return_self() -> None:
    e = net(nn)
    assert e.eval() is e
    assert all(not m.training for m in e.modules())
    e.blocks.train()
    assert e.blocks[1].act.training and not e.training and not e.heads.training
    assert all(m.training for m in e.train().modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        e.train("yes")


def test_zero_grad_requires_grad_and_apply() -> None:
    e = net(nn)
    e(ember.ones(1, 2)).sum().backward()
    assert all(p.grad is not None for p in e.parameters())
    e.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in e.parameters())
    e.zero_grad()
    assert all(p.grad is None for p in e.parameters())
    assert e.requires_grad_(False) is e and not any(p.requires_grad for p in e.parameters())
    seen = []
    assert e.apply(lambda m: seen.append(type(m).__name__)) is e
    assert seen[-1] == "Net" and seen.index("Block") > seen.index("Tanh")  # children first


def test_to_float_double_half_cast_floating_members_in_place() -> None:
    e = net(nn)
    e(ember.ones(1, 2)).sum().backward()
    weight = e.embed.weight
    assert e.double() is e and e.embed.weight is weight
    assert weight.dtype is ember.float64 and weight.grad.dtype is ember.float64
    assert e.blocks[0].running.dtype is ember.float64 and e.steps.dtype is ember.int64  # ints are left alone
    assert e(ember.ones(1, 2, dtype=ember.float64)).dtype is ember.float64
    assert e.half().embed.weight.dtype is ember.float16 and e.float().embed.weight.dtype is ember.float32
    assert e.to(ember.float64).to("cpu").to(ember.device("cpu")).embed.weight.dtype is ember.float64
    assert e.to(ember.ones(1)).embed.weight.dtype is ember.float32
    assert e.to("cpu", ember.float64).embed.weight.dtype is ember.float64 and e.cpu() is e
    with pytest.raises(TypeError, match="only accepts floating point dtypes"):
        e.to(ember.int32)
    with pytest.raises(RuntimeError, match="cuda"):
        e.to("cuda")


def test_forward_hooks_pre_hooks_and_removal() -> None:
    layer = nn.Linear(2, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: calls.append(("pre", m, len(args))))
    post = layer.register_forward_hook(lambda m, args, out: calls.append(("post", out.shape)))
    assert isinstance(pre, RemovableHandle) and isinstance(post, RemovableHandle)
    layer(ember.ones(3, 2))
    assert calls == [("pre", layer, 1), ("post", (3, 2))]
    pre.remove()
    post.remove()
    layer(ember.ones(3, 2))
    assert len(calls) == 2
    double_input = layer.register_forward_pre_hook(lambda m, args: args[0] * 2)  # not a tuple: wrapped
    zero_output = layer.register_forward_hook(lambda m, args, out: out * 0)
    first = layer.register_forward_hook(lambda m, args, out: calls.append("first"), prepend=True)
    out = layer(ember.ones(1, 2))
    assert not out.detach().numpy().any() and calls[-1] == "first"
    zero_output.remove()
    expected = layer.weight.detach().numpy().sum(1) * 2 + layer.bias.detach().numpy()
    np.testing.assert_allclose(layer(ember.ones(1, 2)).detach().numpy()[0], expected, rtol=1e-6)
    double_input.remove()
    first.remove()
    with layer.register_forward_hook(lambda m, args, out: out + 1):
        assert layer(ember.zeros(1, 2)).detach().numpy()[0, 0] == pytest.approx(layer.bias.detach().numpy()[0] + 1)
    assert layer._forward_hooks == [] and layer._forward_pre_hooks == []


def test_hooks_with_kwargs() -> None:
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True)
    seen = []
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs), with_kwargs=True)
    assert m(ember.ones(1)).item() == 3.0 and seen == [{"factor": 3.0}]
    m.register_forward_pre_hook(lambda mod, args, kwargs: "bad", with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        m(ember.ones(1))


def test_containers_behave_like_torchs() -> None:
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Tanh()]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and list(seq) == layers and seq[-1] is layers[2]
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == layers[1:] and list(seq[1:]._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    seq.append(nn.Sigmoid()).insert(1, nn.Identity()).extend([nn.ReLU()])
    assert [type(m).__name__ for m in seq] == ["Linear", "Identity", "ReLU", "Tanh", "Sigmoid", "ReLU"]
    assert list(seq._modules) == [str(i) for i in range(6)]
    del seq[1]
    assert list(seq._modules) == [str(i) for i in range(5)] and type(seq[1]).__name__ == "ReLU"
    seq[0] = nn.Linear(2, 2, bias=False)
    assert seq[0].bias is None and type(seq.pop(0)).__name__ == "Linear" and len(seq) == 4
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and named.fc is named[0]
    assert list((named + nn.Sequential(nn.Tanh()))._modules) == ["0", "1", "2"]

    ml = nn.ModuleList([nn.ReLU()])
    ml += [nn.Tanh()]
    ml.append(nn.ReLU()).insert(-1, nn.Sigmoid())
    assert [type(m).__name__ for m in ml] == ["ReLU", "Tanh", "Sigmoid", "ReLU"]
    assert isinstance(ml[1:3], nn.ModuleList) and len(ml[::2]) == 2
    with pytest.raises(NotImplementedError):
        ml(ember.ones(1))

    md = nn.ModuleDict([("z", nn.ReLU()), ("a", nn.Tanh())])
    md["m"] = nn.Linear(1, 1)
    assert list(md) == ["z", "a", "m"] and list(md.keys()) == ["z", "a", "m"] and "a" in md and len(md) == 3
    assert list(md.state_dict()) == ["m.weight", "m.bias"]
    assert type(md.pop("z")).__name__ == "ReLU" and list(md) == ["a", "m"]
    with pytest.raises(ValueError, match="element #0 should be an iterable of length 2"):
        md.update([nn.ReLU()])
    md.clear()
    assert len(md) == 0


def test_repr_equals_torchs() -> None:
    for build in [
        net,
        lambda m: m.Sequential(m.Linear(2, 3), m.ReLU()),
        lambda m: m.Sequential(),
        lambda m: m.ModuleList(),
        lambda m: m.ModuleList([m.Linear(2, 2), m.Linear(2, 2), m.Linear(2, 3), m.ReLU(), m.ReLU(), m.Linear(2, 2)]),
        lambda m: m.ModuleDict({"enc": m.Sequential(m.Linear(4, 4), m.GELU()), "dec": m.Linear(4, 1, bias=False)}),
        lambda m: m.Sequential(OrderedDict([("features", m.Sequential(m.Flatten(), m.Linear(4, 4))), ("act", m.Softmax(1))])),
    ]:
        assert repr(build(nn)) == repr(build(torch.nn))


def test_extra_repr_with_several_lines_and_children() -> None:
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(1, 1)

        def extra_repr(self):
            return "alpha=1,\nbeta=2"

    assert repr(Custom()) == "Custom(\n  alpha=1,\n  beta=2\n  (inner): Linear(in_features=1, out_features=1, bias=True)\n)"


def test_deepcopy_gives_an_independent_module_with_equal_state() -> None:
    import copy

    e = net(nn)
    clone = copy.deepcopy(e)
    assert list(clone.state_dict()) == list(e.state_dict())
    for (name, a), (_, b) in zip(e.state_dict().items(), clone.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
        assert not np.shares_memory(a.numpy(), b.numpy())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in clone.parameters())
    assert clone.blocks[0].scratch is not e.blocks[0].scratch
