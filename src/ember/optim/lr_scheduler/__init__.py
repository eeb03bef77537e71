"""Learning-rate schedulers with torch's formulas and stepping protocol.

A scheduler rewrites `group["lr"]` of its optimizer's param groups on each `step()`. Most use
torch's *chainable* form: the new lr is computed from the current `group["lr"]`, so several
schedulers can act on one optimizer and the sequence (floating-point rounding included) is
torch's. `step(epoch)` (deprecated in torch) jumps to an epoch with the closed form instead.

>>> sched = ember.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
>>> for epoch in range(100):
...     train(...); opt.step(); sched.step()
"""

from .composite import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR
from .decay import (
    ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR, PolynomialLR,
    StepLR,
)
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau
from .scheduler import EPOCH_DEPRECATION_WARNING, LRScheduler

__all__ = [
    "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR",
    "LinearLR", "OneCycleLR", "ReduceLROnPlateau", "EPOCH_DEPRECATION_WARNING", "MultiplicativeLR", "ConstantLR",
    "PolynomialLR", "CyclicLR", "CosineAnnealingWarmRestarts", "SequentialLR", "ChainedScheduler",
]
