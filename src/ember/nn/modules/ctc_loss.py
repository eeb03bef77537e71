"""`CTCLoss`: the Connectionist Temporal Classification criterion (see `F.ctc_loss`).

    >>> ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    >>> loss = ctc(log_probs, targets, input_lengths, target_lengths)   # log_probs (T, N, C)
"""

from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from ..functional.ctc import Lengths
from .loss import _Loss

__all__ = ["CTCLoss"]


class CTCLoss(_Loss):
    """-log p(target | log_probs) summed over every alignment, per sample, then reduced ('mean'
    divides each loss by its target length first); `blank` is the blank label's index."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Lengths, target_lengths: Lengths) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
