r"""Running one OptimizerInfo of torch's `optim_db` through ember: for every configuration from
`optim_inputs_func`, torch's optimizer and ember's start from the same float64 parameters and
minimise the same loss for STEPS steps; the parameters must follow the same trajectory; and the
OptimizerInfo's error inputs raise (or warn) torch's errors, with messages matching torch's.

The problem is chosen so that comparing trajectories at the float64 rtol (1e-10) means something:
torch's own trajectory must not depend on rounding, or ember's legitimate last-bit differences
(another summation order in `x.T @ g`, a dot product) grow into failures. L-BFGS makes that hard:
20 iterations a step, each building curvature from differences of nearby gradients. The former
problem (a tanh regression with as many parameters as residuals and unreachable targets) let the
parameters drift along saturated, flat directions, where their values are set by rounding: a
1e-15 change of the start moved torch's own L-BFGS parameters by 2e-8 after two steps. So:

- the loss is :math:`\frac{1}{N}\sum (r^2/2 + \log\cosh r)` of the residuals
  :math:`r = xW + b - y`: not quadratic (gradients and curvature change from step to step, the
  strong-Wolfe line search interpolates for real), yet strongly convex, its Hessian between 1
  and 2 times :math:`[x\,1]^\top [x\,1]/N` everywhere (16 samples for 5 unknowns per output: a
  condition number under 16): one minimum, no flat direction, so rounding errors shrink instead
  of growing;
- y is exactly reachable (`y = x @ W* + b*`), so the gradient's terms cancel only as much as the
  parameters are off, not against noise;
- every parameter of the optimum has magnitude in [1, 2) and the start lies within 0.5 of it, so
  no parameter gets near zero, where a relative tolerance would compare rounding noise. (L-BFGS's
  first curvature pair comes from a step of 1-norm lr; its relative rounding error, about
  eps * distance / lr, scales every later step, so the parameters' error is that fraction of the
  distance moved: small against parameters of magnitude 1, not against one near zero.)

tests/torch_db/test_optimizers.py proves the property: for every configuration, torch started
from a start one ulp away stays within 1e-3 of the tolerance of torch's own trajectory (at most
2e-5 of it, L-BFGS with lr 0.001), and every configuration moves some parameter by more than
1e5 times the tolerance.
"""

from typing import Any, Callable

import torch

import ember
from torch_db import scope
from torch_db.convert import compare, to_ember
from torch_db.error_inputs import check_optimizer_errors
from torch_db.outcome import MISSING, OUT_OF_SCOPE, Failure, Outcome, judged, summary

STEPS = 5
SAMPLES = 16


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


def _away_from_zero(generator: torch.Generator, *shape: int) -> torch.Tensor:
    """Values of magnitude in [1, 2) with random signs."""
    magnitude = 1 + torch.rand(*shape, dtype=torch.float64, generator=generator)
    return magnitude * torch.randn(*shape, dtype=torch.float64, generator=generator).sign()


def _data() -> tuple:
    """(x, y, start): samples, their exactly reachable targets, and the start [weight, bias]."""
    generator = torch.Generator().manual_seed(0)
    weight, bias = _away_from_zero(generator, 4, 3), _away_from_zero(generator, 3)
    x = torch.randn(SAMPLES, 4, dtype=torch.float64, generator=generator)
    start = [p + torch.rand(p.shape, dtype=torch.float64, generator=generator) - 0.5 for p in (weight, bias)]
    return x, x @ weight + bias, start


_X, _Y, START = _data()


def _loss(lib: Any, params: list) -> Callable:
    """The loss of the module docstring, on `lib`'s tensors."""
    x, y = (_X, _Y) if lib is torch else (to_ember(_X), to_ember(_Y))

    def loss() -> Any:
        out = x @ params[0]
        if len(params) > 1:
            out = out + params[1]
        r = out - y
        return (r * r / 2 + r.cosh().log()).sum() / SAMPLES

    return loss


def trajectory(lib: Any, info: Any, optim_cls: type, kwargs: dict, start: list) -> list:
    """The parameters (detached copies) after each of STEPS steps of `optim_cls(**kwargs)` on the
    loss, from torch tensors `start`; an optimizer for matrices only (Muon) gets the weight alone."""
    params = [p.clone() for p in start[:_parameter_count(info, kwargs, start)]]
    if lib is not torch:
        params, kwargs = [to_ember(p) for p in params], to_ember(kwargs)
    params = [p.requires_grad_(True) for p in params]
    optimizer = optim_cls(params, **kwargs)
    loss = _loss(lib, params)
    steps = []
    for _ in range(STEPS):
        _step(optimizer, loss, info.step_requires_closure or info.name == "LBFGS")
        steps.append([p.detach().clone() for p in params])
    return steps


def _parameter_count(info: Any, kwargs: dict, start: list) -> int:
    """2 (weight and bias), or 1 where torch's optimizer takes matrices only (Muon)."""
    for count in (2, 1):
        try:
            info.optim_cls([p.clone().requires_grad_(True) for p in start[:count]], **kwargs)
            return count
        except ValueError:
            continue
    raise ValueError(f"torch's {info.name} takes neither [weight, bias] nor [weight] with {kwargs}")


def _check_config(info: Any, ember_cls: type, kwargs: dict) -> None:
    expected = trajectory(torch, info, info.optim_cls, kwargs, START)
    actual = trajectory(ember, info, ember_cls, kwargs, START)
    for step, (want, got) in enumerate(zip(expected, actual)):
        compare(want, got, f"parameters after step {step + 1}")


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
