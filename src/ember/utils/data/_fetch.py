"""Fetchers: turn one index (or list of indices) from the sampler into one batch, as torch's
_utils.fetch. The DataLoader's own process and each worker process run the same ones."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional

from .collate import default_collate
from .dataset import Dataset, IterableDataset, TensorDataset


def _batch_rows(dataset: Any) -> Optional[Callable[[List[int]], List[Any]]]:
    """For a TensorDataset under the default collate: a batch as one fancy index per tensor, the
    same tensors that stacking its samples gives (as a list, as default_collate returns for tuple
    samples), without a Python-level getitem per sample. None for any other dataset, or where a
    tensor requires grad (stacking records another graph)."""
    if type(dataset) is not TensorDataset or any(t.requires_grad for t in dataset.tensors):
        return None
    tensors = dataset.tensors
    return lambda index: [t[index] for t in tensors]


class _MapDatasetFetcher:
    """Index a map-style dataset with each index (or batch of indices) and collate the samples;
    a batch comes from `__getitems__` where the dataset has one."""

    def __init__(self, dataset: Dataset[Any], auto_collation: bool, collate_fn: Callable[[Any], Any],
                 drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self._rows = _batch_rows(dataset) if auto_collation and collate_fn is default_collate else None

    def fetch(self, index: Any) -> Any:
        if self._rows is not None:
            return self._rows(index)
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            return self.collate_fn(getitems(index) if getitems else [self.dataset[i] for i in index])
        return self.collate_fn(self.dataset[index])


class _IterableDatasetFetcher:
    """Read an iterable dataset in order: one sample per fetch, or as many as the batch of
    (ignored) indices holds. StopIteration once the stream ends, or when drop_last drops its
    short last batch."""

    def __init__(self, dataset: IterableDataset[Any], auto_collation: bool, collate_fn: Callable[[Any], Any],
                 drop_last: bool) -> None:
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter: Iterator[Any] = iter(dataset)
        self.ended = False

    def fetch(self, index: Any) -> Any:
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        batch = []
        for _ in index:
            try:
                batch.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not batch or (self.drop_last and len(batch) < len(index)):
            raise StopIteration
        return self.collate_fn(batch)


def create_fetcher(dataset: Any, auto_collation: bool, collate_fn: Callable[[Any], Any],
                   drop_last: bool) -> Any:
    """The fetcher for a map-style or an iterable dataset."""
    kind = _IterableDatasetFetcher if isinstance(dataset, IterableDataset) else _MapDatasetFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)
