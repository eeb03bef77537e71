"""What the DataLoader worker tests share: datasets that either library can load, a comparable
form of batches, and the checks that no worker process and no shared-memory segment is left."""

import math
import multiprocessing
import os
import random
import signal
import time
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember
import ember.utils.data as eud

TIMEOUT = 20  # seconds: a loader that hangs fails its test instead of the run


class Rows:
    """Map-style, either library: sample i is (a row of 300 float32 i's, i); getitem of
    `fail_at` raises ValueError, of `exit_at` ends the worker with os._exit(3), of `kill_at`
    SIGKILLs it, and of `slow_at` sleeps `slow_s` first."""

    def __init__(self, n=20, fail_at=None, exit_at=None, kill_at=None, slow_at=None, slow_s=0.0):
        self.n, self.fail_at, self.exit_at, self.kill_at = n, fail_at, exit_at, kill_at
        self.slow_at, self.slow_s = slow_at, slow_s

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad sample {i}")
        if i == self.exit_at:
            os._exit(3)
        if i == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if i == self.slow_at:
            time.sleep(self.slow_s)
        return np.full(300, i, np.float32), i


class Batched(Rows):
    """Rows with __getitems__: a whole batch of samples in one call, each tagged."""

    def __getitems__(self, indices):
        return [{"x": self[i][0], "tag": f"s{i}"} for i in indices]


class Seeds:
    """What a worker sees: its WorkerInfo and one draw from each generator torch seeds."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = eud.get_worker_info() or tud.get_worker_info()
        return {"id": info.id, "num_workers": info.num_workers, "seed": info.seed, "random": random.random(),
                "numpy": float(np.random.random()), "ember": float(ember.rand(()))}


class BadArgs(Exception):
    """An exception that cannot be rebuilt from one message."""

    def __init__(self, a, b):
        super().__init__(a, b)


class RaisesBadArgs(Rows):
    def __getitem__(self, i):
        raise BadArgs(1, 2)


def _sharded(base):
    class Range(base):
        """torch's documented example: each worker reads its own slice of [start, end)."""

        def __init__(self, start, end):
            self.start, self.end = start, end

        def __iter__(self):
            info = (eud.get_worker_info() if issubclass(base, eud.IterableDataset) else tud.get_worker_info())
            start, end = self.start, self.end
            if info is not None:
                per_worker = int(math.ceil((end - start) / float(info.num_workers)))
                start = start + info.id * per_worker
                end = min(start + per_worker, end)
            return iter(np.full(300, v, np.float32) for v in range(start, end))
    return Range


ERange, TRange = _sharded(eud.IterableDataset), _sharded(tud.IterableDataset)


def plain(batch):
    if isinstance(batch, (ember.Tensor, torch.Tensor)):
        return (str(batch.dtype).split(".")[-1], tuple(batch.shape), batch.tolist())
    if isinstance(batch, dict):
        return {k: plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [plain(v) for v in batch]
    return batch


def our_segments():
    """This process's segments in /dev/shm (workers name theirs after their parent's pid)."""
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(f"ember{os.getpid()}_"))


def gone(pids):
    """No process has any of these pids (a zombie nobody has reaped yet counts as gone)."""
    for pid in pids:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except (ProcessLookupError, FileNotFoundError):
            continue
        return False
    return True


def assert_clean(pids):
    assert gone(pids) and not {p.pid for p in multiprocessing.active_children()} & set(pids)
    assert our_segments() == []


@pytest.fixture(autouse=True)
def quiet_cpu_warning():
    """Tests start more workers than this machine may have CPUs: torch and ember warn."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="This DataLoader will create")
        yield
