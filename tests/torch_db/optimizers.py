"""Running one OptimizerInfo of torch's `optim_db` through ember: for every configuration from
`optim_inputs_func`, torch's optimizer and ember's start from the same float64 parameters and
minimise the same loss for a few steps; the parameters must follow the same trajectory; and the
OptimizerInfo's error inputs raise (or warn) torch's errors, with messages matching torch's.
"""

from typing import Any, Callable

import torch

import ember
from torch_db import scope
from torch_db.convert import compare, to_ember
from torch_db.error_inputs import check_optimizer_errors
from torch_db.outcome import MISSING, OUT_OF_SCOPE, Failure, Outcome, judged, summary

STEPS = 5


def run_optimizer(info: Any) -> Outcome:
    """The outcome of OptimizerInfo `info`; a crash inside ember is a failure, never an exception."""
    reason = scope.optimizer_out_of_scope(info.name)
    if reason:
        return Outcome(info.name, OUT_OF_SCOPE, reason)
    cls_name = info.optim_cls.__name__
    ember_cls = getattr(ember.optim, cls_name, None)
    if ember_cls is None:
        return Outcome(info.name, MISSING, f"no ember.optim.{cls_name}")

    def check() -> None:
        for config in info.optim_inputs_func(device="cpu", dtype=torch.float64):
            try:
                _check_config(info, ember_cls, config.kwargs)
            except Exception as error:
                raise Failure(f"config {config.desc!r} {config.kwargs}", summary(error)) from None
        check_optimizer_errors(info, ember_cls)

    return judged(info.name, check)


def _problem(lib: Any, params: list) -> Callable:
    """The loss: a small tanh regression, so that gradients change from step to step."""
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(5, 4, dtype=torch.float64, generator=generator)
    y = torch.randn(5, 3, dtype=torch.float64, generator=generator)
    x, y = (x, y) if lib is torch else (to_ember(x), to_ember(y))

    def loss() -> Any:
        out = x @ params[0]
        if len(params) > 1:
            out = out + params[1]
        return ((out.tanh() - y) ** 2).sum()

    return loss


def _check_config(info: Any, ember_cls: type, kwargs: dict) -> None:
    generator = torch.Generator().manual_seed(0)
    start = [torch.randn(4, 3, dtype=torch.float64, generator=generator),
             torch.randn(3, dtype=torch.float64, generator=generator)]
    # an optimizer for matrices only (Muon) gets the weight alone
    for count in (2, 1):
        params = [p.clone().requires_grad_(True) for p in start[:count]]
        try:
            torch_opt = info.optim_cls(params, **kwargs)
            break
        except ValueError:
            continue
    ember_params = [to_ember(p.detach()).requires_grad_(True) for p in params]
    ember_opt = ember_cls(ember_params, **to_ember(kwargs))
    for step in range(STEPS):
        for lib, opt, ps in ((torch, torch_opt, params), (ember, ember_opt, ember_params)):
            _step(opt, _problem(lib, ps), info.step_requires_closure or info.name == "LBFGS")
        compare(params, ember_params, f"parameters after step {step + 1}")


def _step(optimizer: Any, loss: Callable, with_closure: bool) -> None:
    def closure() -> Any:
        optimizer.zero_grad()
        value = loss()
        value.backward()
        return value

    if with_closure:
        optimizer.step(closure)
    else:
        closure()
        optimizer.step()
