"""The worker process side of a DataLoader with num_workers > 0, as torch.utils.data._utils.worker:
`get_worker_info`, the seeding of each worker, and the loop that fetches the batches the parent
asks for and sends them back (through `_shared`)."""

from __future__ import annotations

import os
import pickle
import random
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable, List, Optional, Tuple

import numpy as np

from ... import _random
from . import _shared
from ._fetch import create_fetcher
from .dataset import IterableDataset

_PARENT_CHECK_S = 1.0  # how often an idle worker checks that the DataLoader's process still lives


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What `get_worker_info()` returns inside a worker: its id (0 to num_workers - 1), the number
    of workers, the seed its generators were seeded with, and its own copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: Optional[str] = "multiprocessing"


_worker_info: Optional[WorkerInfo] = None


def get_worker_info() -> Optional[WorkerInfo]:
    """The current DataLoader worker's WorkerInfo; None in the main process.

    An IterableDataset uses it to read its own share of the stream in each worker::

        info = get_worker_info()
        if info is not None:
            start = info.id * per_worker
    """
    return _worker_info


def _numpy_seed(base_seed: int, worker_id: int) -> List[int]:
    """The four 32-bit words that seed NumPy's global generator in a worker: the state that
    numpy's SeedSequence derives from (worker_id, the low and the high word of base_seed, 0),
    as torch's _generate_state computes it, so that it differs from `random`'s seed."""
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(entropy).generate_state(4).tolist()


def _seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed ember's default generator and Python's `random` with base_seed + worker_id and NumPy's
    global generator with `_numpy_seed`, as torch seeds a worker; returns that seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


class _KeyErrorMessage(str):
    """A message that KeyError prints as is (KeyError shows the repr of its argument)."""

    def __repr__(self) -> str:
        return self


class _ExceptionWrapper:
    """An exception caught in a worker, carried to the parent with its traceback as text, where
    `reraise` raises it again: the same type where it can be built from one message, else
    RuntimeError; the message says which worker and holds the original traceback."""

    def __init__(self, worker_id: int) -> None:
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type if _picklable(exc_type) else RuntimeError
        self.type_name = exc_type.__name__  # type: ignore[union-attr]
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = f"in DataLoader worker process {worker_id}"

    def reraise(self) -> None:
        msg = f"Caught {self.type_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


def _picklable(obj: Any) -> bool:
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's iterable dataset has ended: the parent sends that worker no more work."""

    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Sent to a persistent worker at a new epoch (it restarts its fetcher) and echoed back."""


def _worker_loop(dataset: Any, own_ends: Tuple[Connection, Connection], parent_ends: Tuple[Connection, Connection],
                 parent_pid: Optional[int], done_event: Any, auto_collation: bool, collate_fn: Callable[[Any], Any],
                 drop_last: bool, base_seed: int, init_fn: Optional[Callable[[int], None]], worker_id: int,
                 num_workers: int, segment_prefix: str) -> None:
    """Seed, run worker_init_fn, then answer each (task index, sampler index) from the index
    pipe with (task index, batch) on the data pipe until the parent sends None; an exception in
    the dataset goes back as an _ExceptionWrapper. An int from the index pipe releases that
    segment (see `_shared`). Once done_event is set, tasks are skipped.

    The worker closes its copy of the parent's ends (a forked child inherits them), so that the
    parent's death closes the pipes; it also checks that parent_pid is still its parent."""
    global _worker_info
    index_conn, data_conn = own_ends
    for conn in parent_ends:
        conn.close()
    segments = _shared.SegmentWriter(f"{segment_prefix}_{worker_id}")
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = _ExceptionWrapper(worker_id)
        ended = False
        while True:
            if not index_conn.poll(_PARENT_CHECK_S):
                if parent_pid is not None and os.getppid() != parent_pid:
                    raise EOFError("the DataLoader's process is gone")
                continue
            task = index_conn.recv()
            if task is None:
                return
            if isinstance(task, int):  # the parent has copied out the batch in this segment
                segments.release(task)
                continue
            if isinstance(task, _ResumeIteration):
                ended = False
                fetcher = create_fetcher(dataset, auto_collation, collate_fn, drop_last)
                data_conn.send_bytes(segments.dumps((task, None)))
                continue
            if ended or done_event.is_set():
                continue
            idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and isinstance(dataset, IterableDataset):
                        data, ended = _IterableDatasetStopIteration(worker_id), True
                    else:
                        data = _ExceptionWrapper(worker_id)
            data_conn.send_bytes(_dumps_or_error(segments, idx, data, worker_id))
            del data, index, task
    except KeyboardInterrupt:
        pass  # the parent raises it too
    except (EOFError, BrokenPipeError):  # the parent is gone: nobody will open what was sent
        _shared.sweep(segments.prefix)


def _dumps_or_error(segments: _shared.SegmentWriter, idx: int, data: Any, worker_id: int) -> bytes:
    """The message for (idx, data), or for the error that sending data raised (say, a batch that
    cannot be pickled)."""
    try:
        return segments.dumps((idx, data))
    except Exception:
        return segments.dumps((idx, _ExceptionWrapper(worker_id)))
