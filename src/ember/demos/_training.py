"""The training loop the tensor demos share: epochs of mini-batch steps under one progress bar.

A demo says how a batch becomes a loss (`loss_of`); `fit` does the rest, as a PyTorch loop
would: zero_grad, backward, optimizer.step(), scheduler.step() per batch, and after each epoch
a callback that evaluates and returns the line to print.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Optional

from .. import nn, optim
from .._tensor import Tensor
from ..utils.data import DataLoader
from . import _common

LossOf = Callable[[Any], Tensor]
AfterEpoch = Callable[[int, float], str]


def adam_one_cycle(
    model: nn.Module, lr: float, total_steps: int
) -> tuple[optim.Optimizer, optim.lr_scheduler.LRScheduler]:
    """Adam under the 1cycle schedule (warm up to `lr` over 30% of the steps, then anneal):
    the settings the demos train with."""
    optimizer = optim.Adam(model.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total_steps)
    return optimizer, scheduler


def fit(
    model: nn.Module,
    loader: DataLoader,
    loss_of: LossOf,
    epochs: int,
    lr: float,
    desc: str,
    progress: bool = True,
    after_epoch: Optional[AfterEpoch] = None,
) -> tuple[list[float], float]:
    """Train `model` for `epochs` passes over `loader` with Adam and the 1cycle schedule, the
    loss of each batch being `loss_of(batch)`. After each epoch, `after_epoch(epoch, mean
    training loss)` (epochs count from 1) returns a line that is printed.

    Returns the mean training loss of each epoch and the seconds spent training (callbacks
    excluded).
    """
    optimizer, scheduler = adam_one_cycle(model, lr, epochs * len(loader))
    bar = _common.progress_bar(epochs * len(loader), desc, progress)
    losses: list[float] = []
    seconds = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total, count = 0.0, 0
        for batch in loader:
            loss = loss_of(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total, count = total + loss.item(), count + 1
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{total / count:.4f}")
        seconds += time.perf_counter() - start
        losses.append(total / count)
        if after_epoch is not None:
            _common.log(after_epoch(epoch, losses[-1]))
    bar.close()
    return losses, seconds
