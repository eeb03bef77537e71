"""Distance layers and the losses built on distances; each calls `ember.nn.functional`.

    >>> dist = nn.PairwiseDistance(p=2)(a, b)              # ||a - b + eps|| per row
    >>> loss = nn.TripletMarginLoss(margin=1.0)(anchor, positive, negative)
"""

from __future__ import annotations

from typing import Callable, Optional

from ..._tensor import Tensor
from .. import functional as F
from .loss import _Loss
from .module import Module

__all__ = ["CosineEmbeddingLoss", "CosineSimilarity", "MarginRankingLoss", "PairwiseDistance", "TripletMarginLoss"]


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dimension; `norm` holds p, as in torch."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """sum (x1 / max(||x1||, eps)) (x2 / max(||x2||, eps)) along `dim`."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class _PairMarginLoss(_Loss):
    """A loss of two inputs and a +1/-1 target with a margin; `_loss` is its functional form."""

    _loss: Callable[..., Tensor]

    def __init__(
        self, margin: float = 0.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return self._loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_PairMarginLoss):
    """1 - cos(x1, x2) for pairs labelled 1, max(0, cos(x1, x2) - margin) for pairs labelled -1."""

    _loss = staticmethod(F.cosine_embedding_loss)


class MarginRankingLoss(_PairMarginLoss):
    """max(0, -y (x1 - x2) + margin): y = 1 asks x1 to rank above x2 by the margin, y = -1 below."""

    _loss = staticmethod(F.margin_ranking_loss)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm pairwise
    distance; `swap` uses the closer of d(anchor, negative) and d(positive, negative)."""

    def __init__(
        self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
        size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(
            anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps, swap=self.swap,
            reduction=self.reduction,
        )
