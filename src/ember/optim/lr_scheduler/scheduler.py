"""`LRScheduler`: the base of the schedulers: initial learning rates, epoch counting, the
chainable `step()`, and the helpers that read and write the param groups' learning rates."""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Optional, Union

from ..._tensor import Tensor
from ..optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where "
    "possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if "
    "epoch is different from None, the closed form is used instead of the new chainable form, "
    "where available."
)

Lr = Union[float, Tensor]


def _values(optimizer: Optimizer, key: str) -> list[Any]:
    """group[key] of every param group (tensors cloned, so nothing aliases the optimizer's)."""
    return [g[key].clone() if isinstance(g[key], Tensor) else g[key] for g in optimizer.param_groups]


def _set_lr(group: dict[str, Any], lr: Lr) -> None:
    if isinstance(group["lr"], Tensor):
        group["lr"].fill_(float(lr))
    else:
        group["lr"] = lr


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has "
                f"{len(value)} values, param_groups has {len(optimizer.param_groups)}."
            )
        return list(value)
    return [value] * len(optimizer.param_groups)


def _warn_outside_step(get_lr: Callable[..., list[Lr]]) -> Callable[..., list[Lr]]:
    """Wrap a subclass's `get_lr`: called other than by `step()`, it warns as torch's does (it
    computes the next epoch's rates, which is rarely what the caller wants)."""

    @functools.wraps(get_lr)
    def wrapper(self: LRScheduler) -> list[Lr]:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        return get_lr(self)

    wrapper._ember_warns = True  # type: ignore[attr-defined]
    return wrapper


class LRScheduler:
    """Base class: sets each group's `initial_lr` (kept in `base_lrs`), counts `last_epoch`,
    and applies `get_lr()` on every `step()`. Construction already takes the first step
    (epoch 0). Subclasses define `get_lr` and, where one exists, `_get_closed_form_lr`."""

    _is_initial = False
    _get_lr_called_within_step = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                lr = group["lr"]
                group.setdefault("initial_lr", lr.clone() if isinstance(lr, Tensor) else lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        "scheduler with last_epoch >= 0. Load the optimizer's state_dict first, "
                        "or start a fresh run with last_epoch=-1."
                    )
        self.base_lrs: list[Lr] = _values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        self._initial_step()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        get_lr = cls.__dict__.get("get_lr")
        if get_lr is not None and not getattr(get_lr, "_ember_warns", False):
            cls.get_lr = _warn_outside_step(get_lr)  # type: ignore[method-assign]

    def _initial_step(self) -> None:
        """The step construction takes (epoch 0), in initial mode; SequentialLR re-runs it."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def get_last_lr(self) -> list[Lr]:
        """The learning rates the last `step()` set, one per param group."""
        return self._last_lr

    def get_lr(self) -> list[Lr]:
        """The learning rates for `last_epoch` (called by `step()`)."""
        raise NotImplementedError

    def step(self, epoch: Optional[int] = None) -> None:
        """Advance one epoch (call after `optimizer.step()`) and set the new learning rates."""
        if self._step_count == 1:
            if not getattr(self.optimizer.step, "_ember_hooked", False):
                warnings.warn(
                    "Seems like `optimizer.step()` has been overridden after learning rate scheduler "
                    "initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`.",
                    UserWarning, stacklevel=2,
                )
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(
                    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. You should call "
                    "them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`. "
                    "Failure to do this will result in skipping the first value of the learning rate schedule.",
                    UserWarning, stacklevel=2,
                )
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: Optional[int] = None) -> None:
        """Set the learning rates of the next epoch, or of `epoch` by the closed form if there is one."""
        if epoch is None:
            self.last_epoch += 1
            self._apply(self.get_lr)
        else:
            self.last_epoch = epoch
            self._apply(getattr(self, "_get_closed_form_lr", self.get_lr))

    def _apply(self, rule: Callable[[], list[Lr]]) -> None:
        """Set the learning rates `rule` gives (called as from within `step()`)."""
        self._get_lr_called_within_step = True
        try:
            values = rule()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            _set_lr(group, lr)
        self._last_lr: list[Lr] = _values(self.optimizer, "lr")

    def _current(self) -> list[Lr]:
        return _values(self.optimizer, "lr")
