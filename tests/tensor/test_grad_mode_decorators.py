"""Grad-mode switches used as decorators, run side by side with torch: the mode changes only
while the decorated function (or each step of a decorated generator) runs."""

from __future__ import annotations

import pytest
import torch

import ember

LIBS = [pytest.param(ember, id="ember"), pytest.param(torch, id="torch")]


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    yield
    assert ember.is_grad_enabled() and torch.is_grad_enabled()
    assert not ember.is_inference_mode_enabled() and not torch.is_inference_mode_enabled()


def _observed(lib, decorator) -> list:
    """Grad mode seen at definition, inside a call, after it, and at each step of a generator
    and between its steps."""
    seen = [lib.is_grad_enabled()]

    @decorator
    def call():
        return lib.is_grad_enabled()

    @decorator
    def steps():
        for _ in range(2):
            yield lib.is_grad_enabled()
        return "done"

    seen.append(lib.is_grad_enabled())
    seen.append(call())
    seen.append(lib.is_grad_enabled())
    gen = steps()
    for value in gen:
        seen.extend([value, lib.is_grad_enabled()])
    seen.append(call.__name__)
    return seen


DECORATORS = {
    "no_grad()": lambda lib: lib.no_grad(),
    "no_grad bare": lambda lib: lib.no_grad,
    "enable_grad()": lambda lib: lib.enable_grad(),
    "enable_grad bare": lambda lib: lib.enable_grad,
    "set_grad_enabled(False)": lambda lib: lib.set_grad_enabled(False),
    "set_grad_enabled(True)": lambda lib: lib.set_grad_enabled(True),
    "inference_mode()": lambda lib: lib.inference_mode(),
    "inference_mode bare": lambda lib: lib.inference_mode,
    "inference_mode(False)": lambda lib: lib.inference_mode(False),
}


@pytest.mark.parametrize("name", list(DECORATORS))
@pytest.mark.parametrize("outer", ["enabled", "disabled"])
def test_a_decorator_switches_only_while_its_function_runs(name, outer):
    results = []
    for lib in (ember, torch):
        with lib.set_grad_enabled(outer == "enabled"):
            results.append(_observed(lib, DECORATORS[name](lib)))
    assert results[0] == results[1]


@pytest.mark.parametrize("lib", LIBS)
def test_set_grad_enabled_decorator_leaves_the_program_mode_alone(lib):
    @lib.set_grad_enabled(False)
    def frozen(t):
        return t * 2

    x = lib.ones(2, requires_grad=True)
    assert (x * 2).requires_grad
    assert not frozen(x).requires_grad
    assert (x * 2).requires_grad


@pytest.mark.parametrize("lib", LIBS)
def test_a_decorated_generator_gets_its_mode_back_after_send_and_throw(lib):
    @lib.no_grad()
    def echo():
        received = yield lib.is_grad_enabled()
        try:
            yield (received, lib.is_grad_enabled())
        except KeyError:
            yield ("caught", lib.is_grad_enabled())

    gen = echo()
    assert next(gen) is False
    assert gen.send("hi") == ("hi", False)
    assert lib.is_grad_enabled()
    assert gen.throw(KeyError()) == ("caught", False)
    assert lib.is_grad_enabled()
    gen.close()


@pytest.mark.parametrize("lib", LIBS)
def test_a_decorated_generator_returns_its_value(lib):
    @lib.no_grad
    def gen():
        yield 1
        return 7

    g = gen()
    next(g)
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == 7


@pytest.mark.parametrize("lib", LIBS)
def test_a_decorator_runs_the_function_in_the_mode_after_an_exception(lib):
    @lib.no_grad
    def boom():
        raise ValueError("inside")

    with pytest.raises(ValueError, match="inside"):
        boom()
    assert lib.is_grad_enabled()


def test_bare_decorators_build_no_graph():
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad
    def double(t):
        return t * 2

    @ember.inference_mode
    def triple(t):
        return t * 3

    assert not double(x).requires_grad
    assert not triple(x).requires_grad
    assert double.__name__ == "double" and triple.__name__ == "triple"


@pytest.mark.parametrize("lib", LIBS)
def test_decorating_a_class_warns_and_runs_its_constructor_in_the_mode(lib):
    with pytest.warns(FutureWarning, match="Decorating classes is deprecated"):
        @lib.no_grad()
        class Model:
            def __init__(self, x):
                self.grad_enabled = lib.is_grad_enabled()
                self.x = x

    model = Model(3)
    assert model.x == 3 and model.grad_enabled is False
    assert lib.is_grad_enabled()
