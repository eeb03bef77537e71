"""torch's error inputs for modules (`module_error_inputs_func`) and optimizers
(`optim_error_inputs_func`): each must make ember raise (or warn) torch's exception type with a
message matching torch's regex, at construction or at forward/step as torch's entry says.

An error input torch itself does not raise on (the database's own slip) or one with a value
ember has no counterpart for (a complex parameter) is passed over, as the op harness does.
"""

import re
import warnings
from typing import Any, Callable

import torch

from torch_db.convert import Unconvertible, tensors_in, to_ember
from torch_db.outcome import Failure, summary


def _raises(call: Callable[[], Any], error_type: type, regex: str) -> str:
    """'' when `call` raises (or, for a Warning type, warns) `error_type` with a message matching
    `regex`; else what happened instead."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except Unconvertible:
            raise
        except error_type as error:
            return "" if re.search(regex, str(error)) else f"message {str(error)!r} does not match {regex!r}"
        except Exception as error:
            return summary(error)
    if issubclass(error_type, Warning):
        messages = [str(w.message) for w in caught if issubclass(w.category, error_type)]
        if any(re.search(regex, m) for m in messages):
            return ""
        return f"warns {messages!r}" if messages else "accepts it without a warning"
    return "accepts it"


def _expect(torch_call: Callable[[], Any], ember_call: Callable[[], Any], error_type: type, regex: str,
            where: str) -> None:
    if _raises(torch_call, error_type, regex):
        return
    try:
        outcome = _raises(ember_call, error_type, regex)
    except Unconvertible:
        return
    if outcome:
        raise Failure(where, f"torch raises {error_type.__name__} ({regex!r}), ember {outcome}")


def check_module_errors(info: Any, ember_cls: type) -> None:
    """Every error input of ModuleInfo `info` raises torch's error in ember too."""
    if info.module_error_inputs_func is None:
        return
    errors = info.module_error_inputs_func(info, device="cpu", dtype=torch.float64, requires_grad=False, training=True)
    for index, error in enumerate(errors):
        constructor, forward = error.module_error_input.constructor_input, error.module_error_input.forward_input
        on_forward = error.error_on.name == "FORWARD_ERROR"

        def torch_call() -> Any:
            module = info.module_cls(*constructor.args, **constructor.kwargs)
            if on_forward:
                module.to(torch.float64)(*forward.args, **forward.kwargs)

        def ember_call() -> Any:
            args, kwargs = to_ember((constructor.args, constructor.kwargs))
            module = ember_cls(*args, **kwargs)
            if on_forward:
                f_args, f_kwargs = to_ember((forward.args, forward.kwargs))
                module.double()(*f_args, **f_kwargs)

        _expect(torch_call, ember_call, error.error_type, error.error_regex, f"error input {index} ({error.error_on.name})")


def _optimizer_params(params: Any) -> Any:
    """ember's counterpart of an error input's params, each converted parameter carrying its grad."""
    memo: dict = {}
    converted = to_ember(params, memo)
    for tensor in tensors_in(params):
        if tensor.grad is not None:
            memo[id(tensor)].grad = to_ember(tensor.grad)
    return converted


def check_optimizer_errors(info: Any, ember_cls: type) -> None:
    """Every error input of OptimizerInfo `info` raises (or warns) torch's error in ember too."""
    for index, error in enumerate(info.optim_error_inputs_func(device="cpu", dtype=torch.float64)):
        given = error.optimizer_error_input
        on_step = error.error_on.name == "STEP_ERROR"

        def run(cls: type, params: Any, kwargs: dict) -> None:
            optimizer = cls(params, **kwargs)
            if on_step:
                optimizer.step()

        _expect(lambda: run(info.optim_cls, given.params, given.kwargs),
                lambda: run(ember_cls, _optimizer_params(given.params), to_ember(given.kwargs)),
                error.error_type, error.error_regex, f"error input {index} ({given.desc})")
