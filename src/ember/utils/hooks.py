"""Handles for registered hooks, as `torch.utils.hooks.RemovableHandle`."""

from __future__ import annotations

from typing import Any, Callable


class RemovableHandle:
    """Returned by `register_*hook`; `handle.remove()` unregisters the hook. Also a context
    manager that removes the hook on exit."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook: Callable) -> None:
        hooks.append(hook)
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()
