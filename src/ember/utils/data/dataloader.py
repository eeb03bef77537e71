"""DataLoader, as torch.utils.data.DataLoader, loading in the calling process only (worker
processes, num_workers > 0, are not built yet)."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterable, Iterator, List, Optional

from ... import _random
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


def get_worker_info() -> None:
    """Details of the current worker process; None in the main process (the only one so far)."""
    return None


class _InfiniteConstantSampler(Sampler[None]):
    """None forever: an iterable dataset is read until it ends, not by index."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def _batch_rows(dataset: Any) -> Optional[Callable[[List[int]], List[Any]]]:
    """For a TensorDataset under the default collate: a batch as one fancy index per tensor, the
    same tensors that stacking its samples gives (as a list, as default_collate returns for tuple
    samples), without a Python-level getitem per sample. None for any other dataset, or where a
    tensor requires grad (stacking records another graph)."""
    if type(dataset) is not TensorDataset or any(t.requires_grad for t in dataset.tensors):
        return None
    tensors = dataset.tensors
    return lambda index: [t[index] for t in tensors]


def _check_workers(num_workers: int, timeout: float, prefetch_factor: Optional[int], persistent_workers: bool) -> None:
    """torch's checks of the multiprocessing options, then refuse worker processes."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if num_workers > 0:
        raise NotImplementedError("DataLoader: worker processes (num_workers > 0) are not built yet in ember; "
                                  "use num_workers=0")


def _check_iterable_options(shuffle: Optional[bool], sampler: Any, batch_sampler: Any) -> None:
    """An iterable dataset orders its own samples: no shuffle, sampler or batch_sampler."""
    for name, value, unset in (("shuffle", shuffle, shuffle in {False, None}), ("sampler", sampler, sampler is None),
                               ("batch_sampler", batch_sampler, batch_sampler is None)):
        if not unset:
            raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got {name}={value}")


_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterates over a dataset in batches: a sampler orders the indices (or an iterable dataset
    streams samples), a batch sampler groups them, and collate_fn turns each group into a batch
    (a dataset's `__getitems__`, where it has one, fetches a whole batch of indices). batch_size=None
    turns batching off: each sample goes through default_convert."""

    _initialized = False
    _IterableDataset_len_called: Optional[int] = None

    def __init__(self, dataset: Dataset[Any], batch_size: Optional[int] = 1, shuffle: Optional[bool] = None,
                 sampler: Optional[Iterable[Any]] = None, batch_sampler: Optional[Iterable[List[Any]]] = None,
                 num_workers: int = 0, collate_fn: Optional[Callable[[Any], Any]] = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn: Optional[Callable[[int], None]] = None,
                 multiprocessing_context: Any = None, generator: Optional[_random.Generator] = None, *,
                 prefetch_factor: Optional[int] = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        if multiprocessing_context is not None:
            raise ValueError("multiprocessing_context can only be used with multi-process loading "
                             f"(num_workers > 0), but got num_workers={num_workers}")
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.generator = generator
        if isinstance(dataset, IterableDataset):
            _check_iterable_options(shuffle, sampler, batch_sampler)
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = _InfiniteConstantSampler()
            else:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)  # type: ignore[arg-type]
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)
        self._initialized = True

    def __setattr__(self, attr: str, val: Any) -> None:
        if self._initialized and attr in _FIXED_AFTER_INIT:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Iterable[Any]:
        return self.batch_sampler if self._auto_collation else self.sampler  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            return self._warn_past_len(self._iter_stream(), self._IterableDataset_len_called)
        return self._iter_map()

    def _warn_past_len(self, batches: Iterator[Any], reported: Optional[int]) -> Iterator[Any]:
        """Warn, as torch does, once more batches come than the dataset's len() (taken by
        len(loader) before this pass) reported."""
        for fetched, batch in enumerate(batches, 1):
            if reported is not None and fetched > reported:
                warnings.warn(f"Length of IterableDataset {self.dataset} was reported to be {reported}(when "
                              f"accessing len(dataloader)), but {fetched} samples have been fetched. ")
            yield batch

    def _iter_map(self) -> Iterator[Any]:
        """Index the dataset with each index (or list of indices) the samplers give."""
        rows = _batch_rows(self.dataset) if self._auto_collation and self.collate_fn is default_collate else None
        for index in self._index_sampler:
            if rows is not None:
                yield rows(index)
            elif self._auto_collation:
                getitems = getattr(self.dataset, "__getitems__", None)
                yield self.collate_fn(getitems(index) if getitems else [self.dataset[i] for i in index])
            else:
                yield self.collate_fn(self.dataset[index])

    def _iter_stream(self) -> Iterator[Any]:
        """Read an iterable dataset in order, batch_size samples at a time when batching."""
        stream = iter(self.dataset)
        if not self._auto_collation:
            for sample in stream:
                yield self.collate_fn(sample)
            return
        while True:
            batch = [sample for _, sample in zip(range(self.batch_size), stream)]  # type: ignore[arg-type]
            if not batch or (self.drop_last and len(batch) < self.batch_size):  # type: ignore[operator]
                return
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = self._IterableDataset_len_called = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)  # type: ignore[arg-type]
