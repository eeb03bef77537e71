"""DataLoader workers when things go wrong: an exception in a worker re-raised as torch does, a
worker that dies, a parent that is killed, a timeout, KeyboardInterrupt, and the end of an
iterator by break, del or garbage collection: no process and no shared-memory segment is left."""

import gc
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import torch.utils.data as tud

import ember
import ember.utils.data as eud

from .workers_common import (  # noqa: F401  (quiet_cpu_warning: an autouse fixture)
    TIMEOUT, RaisesBadArgs, Rows, assert_clean, gone, plain, quiet_cpu_warning,
)


@pytest.mark.parametrize("dataset,expected", [(Rows(fail_at=4), ValueError), (RaisesBadArgs(), RuntimeError)])
def test_worker_exception_reraised_like_torch(dataset, expected):
    for lib in (eud, tud):
        loader = lib.DataLoader(dataset, batch_size=2, num_workers=2, timeout=TIMEOUT)
        it = iter(loader)
        pids = [w.pid for w in it._workers]
        if expected is ValueError:
            assert [plain(next(it))[1][2] for _ in range(2)] == [[0, 1], [2, 3]]
        with pytest.raises(expected) as error:
            next(it)
        message = str(error.value)
        assert message.startswith(f"Caught {'ValueError' if expected is ValueError else 'BadArgs'} in DataLoader "
                                  "worker process 0.\nOriginal Traceback (most recent call last):")
        assert "__getitem__" in message
        if expected is ValueError:
            assert "bad sample 4" in message and plain(next(it))[1][2] == [6, 7]
            assert len(list(it)) == 6  # (torch takes 10 s to shut down workers with batches unread)
        del it, error  # the traceback holds the iterator: shut its workers down now
        gc.collect()
        if lib is eud:
            assert_clean(pids)


def test_key_error_message_reads_as_text():
    class Missing(Rows):
        def __getitem__(self, i):
            return {}["key"]
    with pytest.raises(KeyError) as error:
        next(iter(eud.DataLoader(Missing(), num_workers=1, timeout=TIMEOUT)))
    assert str(error.value).startswith("Caught KeyError in DataLoader worker process 0.\nOriginal Traceback")


def test_worker_init_fn_error_reraised_on_first_batch():
    def init(worker_id):
        raise ValueError(f"init {worker_id}")
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0"):
        next(iter(eud.DataLoader(Rows(), num_workers=1, worker_init_fn=init, timeout=TIMEOUT)))


@pytest.mark.parametrize("dataset,reason", [(Rows(exit_at=3), "exited with exit code 3"),
                                            (Rows(kill_at=3), r"was killed by signal SIGKILL \(Killed\)")])
def test_worker_death_is_a_runtime_error_and_cleans_up(dataset, reason):
    it = iter(eud.DataLoader(dataset, batch_size=2, num_workers=2))
    pids = [w.pid for w in it._workers]
    with pytest.raises(RuntimeError, match=f"DataLoader worker 1 \\(pid {pids[1]}\\) exited unexpectedly: it {reason}"):
        list(it)
    assert_clean(pids)


KILLED_PARENT = """
import os, numpy as np, ember.utils.data as eud
class Rows:
    def __len__(self): return 40
    def __getitem__(self, i): return np.full(300, i, np.float32)
it = iter(eud.DataLoader(Rows(), batch_size=2, num_workers=2))
next(it)
print(*[w.pid for w in it._workers], flush=True)
os.kill(os.getpid(), 9)
"""


def test_killed_parent_leaves_no_worker_and_no_segment():
    """Workers notice that the DataLoader's process is gone, unlink what they sent, and exit."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)))
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], stdout=subprocess.PIPE, text=True, env=env)
    out, _ = parent.communicate(timeout=TIMEOUT)
    assert parent.returncode == -signal.SIGKILL
    pids = [int(pid) for pid in out.split()]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (gone(pids) and not _segments_of(parent)):
        time.sleep(0.1)
    assert len(pids) == 2 and gone(pids) and _segments_of(parent) == []


def _segments_of(process):
    return [name for name in os.listdir("/dev/shm") if name.startswith(f"ember{process.pid}_")]


def test_timeout_message_as_torch_and_cleans_up():
    it = iter(eud.DataLoader(Rows(slow_at=0, slow_s=0.6), num_workers=1, timeout=0.2))
    pids = [w.pid for w in it._workers]
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.2 seconds$"):
        next(it)
    assert_clean(pids)
    with pytest.raises(RuntimeError, match="start a new pass with iter"):
        next(it)


def test_timeout_needs_workers_as_in_torch():
    for lib in (eud, tud):
        with pytest.raises(AssertionError, match="requires timeout == 0"):
            iter(lib.DataLoader(Rows(), timeout=1))


def test_keyboard_interrupt_shuts_workers_down():
    it = iter(eud.DataLoader(Rows(slow_at=0, slow_s=0.8), num_workers=2))
    pids = [w.pid for w in it._workers]
    main = threading.main_thread().ident
    timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        next(it)
    timer.join()
    assert_clean(pids)


def test_break_del_and_end_of_epoch_shut_workers_down():
    loader = eud.DataLoader(Rows(), batch_size=2, num_workers=2, timeout=TIMEOUT)
    it = iter(loader)
    pids = [w.pid for w in it._workers]
    list(it)
    assert_clean(pids)
    it = iter(loader)
    next(it)
    pids = [w.pid for w in it._workers]
    del it
    assert_clean(pids)
    for _ in loader:
        pids = [w.pid for w in loader._iterator._workers] if loader._iterator else pids
        break
    gc.collect()
    assert_clean(pids)


def test_garbage_collected_cycle_shuts_workers_down():
    it = iter(eud.DataLoader(Rows(), batch_size=2, num_workers=1, timeout=TIMEOUT))
    pids = [w.pid for w in it._workers]
    it.cycle = it
    del it
    gc.collect()
    assert_clean(pids)


class Unpicklable(Rows):
    def __init__(self):
        super().__init__()
        self.transform = lambda x: x


def test_dataset_that_spawn_cannot_pickle_raises_and_warns_as_torch():
    for lib in (eud, tud):
        with pytest.raises(AttributeError, match="Can't pickle local object"), \
                pytest.warns(UserWarning, match="Got pickle error when attempting to start a worker Process"):
            iter(lib.DataLoader(Unpicklable(), num_workers=1, multiprocessing_context="spawn", timeout=TIMEOUT))
