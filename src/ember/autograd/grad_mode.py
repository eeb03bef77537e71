"""Grad mode: whether operations record a graph. Thread-local, and every switch restores the
previous state on exit, so nesting works (`no_grad` inside `enable_grad` inside `no_grad`).

Each switch is also a decorator, with torch's contract: the mode changes only while the
decorated function runs. For a generator function that means while each step of the generator
runs (between two `yield`s the caller's own mode is back); `no_grad`, `enable_grad` and
`inference_mode` also decorate without parentheses (`@ember.no_grad`)."""

from __future__ import annotations

import functools
import inspect
import threading
import warnings
from typing import Any, Callable, Generator, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


def _decorate(ctx_factory: Callable[[], Any], fn: F) -> F:
    """`fn` run inside a fresh context from `ctx_factory` at each call, or, for a generator
    function, at each step of the generator it returns."""
    if inspect.isclass(fn):  # torch still decorates it, as a constructor, and warns
        warnings.warn(
            "Decorating classes is deprecated and will be disabled in future versions. You should only "
            "decorate functions or methods. To keep this behavior, decorate the `__init__` method.",
            FutureWarning,
            stacklevel=3,
        )
        fn = _constructor(fn)
    if inspect.isgeneratorfunction(fn):
        return functools.wraps(fn)(_stepwise(ctx_factory, fn))  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with ctx_factory():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _constructor(cls: type) -> Callable[..., Any]:
    def construct(*args: Any, **kwargs: Any) -> Any:
        return cls(*args, **kwargs)

    return construct


def _stepwise(ctx_factory: Callable[[], Any], fn: Callable[..., Generator]) -> Callable[..., Generator]:
    """A generator function whose every resumption (send, throw, close) runs inside the mode."""

    def generator(*args: Any, **kwargs: Any) -> Generator:
        gen = fn(*args, **kwargs)
        try:
            with ctx_factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with ctx_factory():
                        gen.close()
                    raise
                except BaseException as exc:
                    with ctx_factory():
                        response = gen.throw(exc)
                else:
                    with ctx_factory():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class _GradMode:
    """Base of the switches: a context manager, and a decorator that switches around each call."""

    def __init__(self, mode: bool) -> None:
        self._mode = mode
        self._saved: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self._saved.append((_state.enabled, _state.inference))
        _state.enabled = self._mode

    def __exit__(self, *exc: Any) -> None:
        _state.enabled, _state.inference = self._saved.pop()

    def clone(self) -> _GradMode:
        return type(self)(self._mode)

    def __call__(self, fn: F) -> F:
        return _decorate(self.clone, fn)


class _NoArgGradMode(_GradMode):
    """A switch that takes no argument, so it also decorates bare: `@no_grad` as `@no_grad()`."""

    def __new__(cls, fn: Any = None) -> Any:
        if fn is None:
            return super().__new__(cls)
        return cls()(fn)

    def clone(self) -> _GradMode:
        return type(self)()


class no_grad(_NoArgGradMode):
    """Operations inside record no graph: results have requires_grad=False.

    >>> with ember.no_grad():
    ...     y = x * 2          # y.requires_grad is False
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_NoArgGradMode):
    """Turn graph recording back on, e.g. inside a `no_grad` block."""

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_GradMode):
    """Switch grad mode on or off. Unlike the others it acts at once when called as a function,
    as torch's does, and restores the previous mode when used with `with`, or when used as a
    decorator (which then sets the mode only while the decorated function runs)."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __call__(self, fn: F) -> F:
        _state.enabled = self._prev  # a decorator: undo the switch made by the constructor
        return super().__call__(fn)

    def __enter__(self) -> None:
        _state.enabled = self._mode

    def __exit__(self, *exc: Any) -> None:
        _state.enabled = self._prev

    def __repr__(self) -> str:
        return f"ember.autograd.grad_mode.set_grad_enabled(mode={self._mode})"


class inference_mode(_GradMode):
    """`no_grad` for inference: nothing inside records a graph. `@inference_mode` decorates
    bare too; `inference_mode(False)` switches it off inside."""

    def __new__(cls, mode: Any = True) -> Any:
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode)
        self._inference = bool(mode)

    def __enter__(self) -> None:
        super().__enter__()
        _state.inference = self._inference

    def clone(self) -> inference_mode:
        return inference_mode(self._inference)
