"""Grad mode: whether operations record a graph. Thread-local, and every switch restores the
previous state on exit, so nesting works (`no_grad` inside `enable_grad` inside `no_grad`)."""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


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
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Operations inside record no graph: results have requires_grad=False.

    >>> with ember.no_grad():
    ...     y = x * 2          # y.requires_grad is False
    """

    def __init__(self) -> None:
        super().__init__(False)

    def clone(self) -> no_grad:
        return no_grad()


class enable_grad(_GradMode):
    """Turn graph recording back on, e.g. inside a `no_grad` block."""

    def __init__(self) -> None:
        super().__init__(True)

    def clone(self) -> enable_grad:
        return enable_grad()


class set_grad_enabled(_GradMode):
    """Switch grad mode on or off. Unlike the others it acts at once when called as a function,
    as torch's does, and restores the previous mode when used with `with`."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._saved.append((_state.enabled, _state.inference))
        _state.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self._mode)


class inference_mode(_GradMode):
    """`no_grad` for inference: nothing inside records a graph."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode)
        self._inference = bool(mode)

    def __enter__(self) -> None:
        super().__enter__()
        _state.inference = self._inference

    def clone(self) -> inference_mode:
        return inference_mode(self._inference)
