"""ParameterList, ParameterDict, get_parameter/get_buffer, full backward hooks and pre-hooks,
and always_call forward hooks, side by side with torch's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn

LIBS = [(ember, nn), (torch, torch.nn)]


def _arr(t: Any) -> Any:
    return None if t is None else t.detach().numpy()


def _same(a: Any, b: Any) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(_arr(x), _arr(y), rtol=1e-12)


def _linear(lib: Any, nn_: Any) -> Any:
    layer = nn_.Linear(3, 2).double()
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 7))
        layer.bias.copy_(lib.tensor([0.5, -0.5]))
    return layer


def _run(lib: Any, nn_: Any, register: Any, x_requires_grad: bool = True) -> dict:
    layer = _linear(lib, nn_)
    seen: dict = {}
    register(layer, seen)
    x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=x_requires_grad)
    out = layer(x)
    (out * lib.tensor(np.arange(8.0).reshape(4, 2))).sum().backward()
    seen["x.grad"] = x.grad
    seen["weight.grad"] = layer.weight.grad
    return seen


def _record(layer: Any, seen: dict) -> None:
    def hook(module: Any, grad_input: Any, grad_output: Any) -> None:
        seen["grad_input"], seen["grad_output"] = grad_input, grad_output
    layer.register_full_backward_hook(hook)


def _replace_input(layer: Any, seen: dict) -> None:
    layer.register_full_backward_hook(lambda m, gi, go: None if gi[0] is None else (gi[0] * 3,))


def _replace_output(layer: Any, seen: dict) -> None:
    def pre(module: Any, grad_output: Any) -> Any:
        seen["pre"] = grad_output
        return (grad_output[0] * -2,)
    layer.register_full_backward_pre_hook(pre)
    _record(layer, seen)


@pytest.mark.parametrize("register", [_record, _replace_input, _replace_output])
@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_full_backward_hooks_match_torch(register: Any, x_requires_grad: bool) -> None:
    ours, theirs = (_run(lib, nn_, register, x_requires_grad) for lib, nn_ in LIBS)
    assert ours.keys() == theirs.keys()
    for key in ours:
        value, expected = ours[key], theirs[key]
        if isinstance(expected, tuple):
            _same(value, expected)
        else:
            assert (value is None) == (expected is None)
            if expected is not None:
                np.testing.assert_allclose(_arr(value), _arr(expected), rtol=1e-12)


def test_backward_hook_wrong_length_raises() -> None:
    for lib, nn_ in LIBS:
        layer = _linear(lib, nn_)
        layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        x = lib.ones(2, 3, dtype=lib.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
            layer(x).sum().backward()


def test_hook_handles_remove() -> None:
    layer = _linear(ember, nn)
    calls: list = []
    handle = layer.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    x = ember.ones(2, 3, dtype=ember.float64, requires_grad=True)
    layer(x).sum().backward()
    handle.remove()
    layer(x).sum().backward()
    assert calls == [1]


def test_always_call_forward_hook_runs_when_forward_raises() -> None:
    for lib, nn_ in LIBS:
        layer = _linear(lib, nn_)
        calls: list = []
        layer.register_forward_hook(lambda m, a, o: calls.append(("always", o)), always_call=True)
        layer.register_forward_hook(lambda m, a, o: calls.append(("plain", o)))
        with pytest.raises(RuntimeError):
            layer(lib.ones(2, 5, dtype=lib.float64))
        assert calls == [("always", None)]
        layer(lib.ones(2, 3, dtype=lib.float64))
        assert [c[0] for c in calls] == ["always", "always", "plain"]


def test_get_parameter_and_buffer() -> None:
    for lib, nn_ in LIBS:
        model = nn_.Sequential(nn_.Linear(2, 2), nn_.BatchNorm1d(2))
        assert model.get_parameter("0.bias") is model[0].bias
        assert model.get_buffer("1.running_var") is model[1].running_var
    errors = [("get_parameter", "1.running_var"), ("get_parameter", "0.nothing"), ("get_buffer", "0.weight"),
              ("get_buffer", "3.x"), ("get_parameter", "0.weight.x")]
    for method, target in errors:
        with pytest.raises(AttributeError) as theirs:
            getattr(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2)), method)(target)
        with pytest.raises(AttributeError) as ours:
            getattr(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)), method)(target)
        assert str(ours.value) == str(theirs.value)


def _params(lib: Any, nn_: Any) -> tuple:
    plist = nn_.ParameterList([nn_.Parameter(lib.zeros(2, 3)), lib.ones(2)])
    plist.append("not a tensor")
    plist.extend([lib.zeros(1)])
    plist += [lib.ones(4, dtype=lib.float64)]
    pdict = nn_.ParameterDict({"b": lib.zeros(2), "a": nn_.Parameter(lib.ones(3))})
    pdict["c"] = lib.zeros(1, 1)
    pdict.update([("z", lib.ones(1))])
    pdict.update(nn_.ParameterDict({"y": lib.ones(2)}))
    return plist, pdict


def test_parameter_containers_match_torch() -> None:
    (elist, edict), (tlist, tdict) = _params(ember, nn), _params(torch, torch.nn)
    for e, t in ((elist, tlist), (edict, tdict)):
        assert repr(e) == repr(t).replace("torch.", "ember.")
        assert list(e.state_dict()) == list(t.state_dict())
        assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
        assert len(e) == len(t)
    assert list(edict) == list(tdict) and "a" in edict and edict.get("q") is None
    assert type(elist[1]) is nn.Parameter and elist[2] == "not a tensor"
    assert repr(elist[1:3]) == repr(tlist[1:3]).replace("torch.", "ember.")
    assert edict.pop("a").shape == (3,) and list(edict) == ["b", "c", "z", "y"]
    model = nn.Module()
    model.extra = edict
    assert "extra.b" in model.state_dict()


@pytest.mark.parametrize("call", [
    lambda nn_: nn_.ParameterList().extend(3),
    lambda nn_: nn_.ParameterDict().update(3),
    lambda nn_: nn_.ParameterDict().update([("a",)]),
    lambda nn_: nn_.ParameterDict()[1],
    lambda nn_: nn_.ParameterList()(1),
    lambda nn_: nn_.ParameterDict()(1),
    lambda nn_: nn_.ParameterList()[0],
])
def test_parameter_container_errors(call: Any) -> None:
    with pytest.raises(Exception) as theirs:
        call(torch.nn)
    with pytest.raises(theirs.type) as ours:
        call(nn)
    assert str(ours.value) == str(theirs.value)
