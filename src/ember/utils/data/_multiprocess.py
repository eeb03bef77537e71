"""The DataLoader iterator with worker processes, as torch's _MultiProcessingDataLoaderIter.

The sampler runs here, in the parent: each index (or batch of indices) becomes a numbered task,
sent round-robin to the workers that are still active, at most prefetch_factor * num_workers
tasks ahead of the batch being yielded. Batches are yielded in task order (in_order=True: a
batch that arrives early waits) or as they arrive (in_order=False), so with in_order the batches
are the same, in the same order, whatever num_workers is.

An iterable dataset is copied into every worker; a worker whose copy ends gets no more tasks,
and the epoch ends when all have ended. Persistent workers stay up between epochs: the next
`iter(loader)` resets this iterator instead of making a new one.
"""

from __future__ import annotations

import itertools
import multiprocessing
import weakref
from typing import Any, Dict, List, Tuple

from ._iter import _BaseDataLoaderIter
from ._pool import _WorkerPool
from ._worker import _ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Hands tasks to the worker pool and yields their batches; shuts the pool down at the end
    of the epoch (unless persistent), on KeyboardInterrupt, on a worker's death or a timeout,
    and when the iterator is garbage-collected."""

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        loader_args = {"dataset": self._dataset, "auto_collation": self._auto_collation,
                       "collate_fn": self._collate_fn, "drop_last": self._drop_last,
                       "worker_init_fn": loader.worker_init_fn}
        self._pool = _WorkerPool(ctx, self._num_workers, loader_args, self._base_seed)
        self._shutdown = weakref.finalize(self, self._pool.shutdown)
        self._start_epoch(first=True)

    @property
    def _workers(self) -> List[Any]:
        return self._pool.processes

    def _reset(self, loader: Any) -> None:
        super()._reset(loader)
        self._start_epoch(first=False)

    def _start_epoch(self, first: bool) -> None:
        """Clear the task bookkeeping, tell persistent workers a new epoch starts (dropping what
        they still send of the last one until each acknowledges), then queue the first tasks."""
        self._send_idx = 0  # number of the next task to send
        self._rcvd_idx = 0  # number of the next batch to yield
        self._task_info: Dict[int, Tuple[Any, ...]] = {}  # task -> (worker,) or (worker, data)
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first:
            for worker_id in range(self._num_workers):
                self._pool.send(worker_id, _ResumeIteration())
            resumed = 0
            while resumed < self._num_workers:
                resumed += isinstance(self._get_data()[0], _ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self) -> None:
        """Send the sampler's next index to the next active worker, round-robin."""
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._workers_status[worker_id]:
                break
        else:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        self._pool.send(worker_id, (self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._send_idx += 1

    def _get_data(self) -> Tuple[Any, Any]:
        return self._pool.receive(self._timeout)[1]

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except KeyboardInterrupt:
            self._shutdown()
            raise

    def _next_data(self) -> Any:
        while True:
            if not self._advance_to_pending_task():
                if not self._persistent_workers:
                    self._shutdown()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process_data(info[1])
            idx, data = self._get_data()
            if isinstance(data, _IterableDatasetStopIteration):
                self._workers_status[data.worker_id] = False
                if not self._persistent_workers:
                    self._pool.retire(data.worker_id)
                self._try_put_index()
                continue
            if idx == self._rcvd_idx or not self._in_order:
                del self._task_info[idx]
                self._rcvd_idx += idx == self._rcvd_idx
                return self._process_data(data)
            self._task_info[idx] += (data,)

    def _advance_to_pending_task(self) -> bool:
        """Move _rcvd_idx to the first task still worth waiting for: one whose batch came, or
        whose worker is active (an ended worker answers no more tasks). False when none is left."""
        while self._rcvd_idx < self._send_idx:
            info = self._task_info.get(self._rcvd_idx)
            if info is not None:
                if len(info) == 2 or self._workers_status[info[0]]:
                    return True
                del self._task_info[self._rcvd_idx]
            self._rcvd_idx += 1
        return False

    def _process_data(self, data: Any) -> Any:
        self._try_put_index()
        if isinstance(data, _ExceptionWrapper):
            data.reraise()
        return data
