"""DataLoader with worker processes (num_workers > 0) against torch.utils.data.DataLoader and
against ember's own single-process loading: batches, seeding, errors, shutdown, transport."""

import dataclasses
import gc
import math
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from torch.utils.data._utils.worker import _generate_state

import ember
import ember.utils.data as eud
from ember.utils.data import _shared

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


def _plain(batch):
    if isinstance(batch, (ember.Tensor, torch.Tensor)):
        return (str(batch.dtype).split(".")[-1], tuple(batch.shape), batch.tolist())
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [_plain(v) for v in batch]
    return batch


def _our_segments():
    """This process's segments in /dev/shm (workers name theirs after their parent's pid)."""
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(f"ember{os.getpid()}_"))


def _gone(pids):
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


def _assert_clean(pids):
    assert _gone(pids) and not {p.pid for p in multiprocessing.active_children()} & set(pids)
    assert _our_segments() == []


@pytest.fixture(autouse=True)
def _quiet_cpu_warning():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="This DataLoader will create")
        yield


@pytest.mark.parametrize("kwargs", [{"batch_size": 3}, {"batch_size": 4, "drop_last": True}, {"batch_size": None},
                                    {"batch_size": 5, "in_order": True, "prefetch_factor": 1}])
@pytest.mark.parametrize("num_workers", [1, 3])
def test_batches_match_torch_and_single_process(kwargs, num_workers):
    ours = eud.DataLoader(Rows(), num_workers=num_workers, timeout=TIMEOUT, **kwargs)
    ref = tud.DataLoader(Rows(), num_workers=num_workers, timeout=TIMEOUT, **kwargs)
    single = eud.DataLoader(Rows(), **{k: v for k, v in kwargs.items() if k not in {"prefetch_factor"}})
    expected = [_plain(b) for b in ref]
    assert [_plain(b) for b in ours] == expected == [_plain(b) for b in single]
    assert len(ours) == len(ref)


def test_getitems_and_strings_match_torch():
    ours = eud.DataLoader(Batched(), batch_size=4, num_workers=2, timeout=TIMEOUT)
    ref = tud.DataLoader(Batched(), batch_size=4, num_workers=2, timeout=TIMEOUT)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref]


def test_tensor_dataset_fast_path_in_workers():
    data = np.arange(600, dtype=np.float32).reshape(200, 3)
    ours = eud.DataLoader(eud.TensorDataset(ember.tensor(data), ember.arange(200)), batch_size=64, num_workers=2)
    ref = tud.DataLoader(tud.TensorDataset(torch.tensor(data), torch.arange(200)), batch_size=64, num_workers=2)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref]


@pytest.mark.parametrize("num_workers", [1, 4])
def test_seeded_shuffle_same_with_any_num_workers(num_workers):
    ember.manual_seed(7)
    single = [_plain(b) for b in eud.DataLoader(Rows(), batch_size=3, shuffle=True)]
    ember.manual_seed(7)
    multi = [_plain(b) for b in eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=num_workers)]
    gen = ember.Generator().manual_seed(3)
    with_generator = eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=num_workers, generator=gen)
    assert multi == single and [b[1] for b in single] != [b[1] for b in _plain(list(with_generator))]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_iter_draws_one_base_seed_like_torch(num_workers):
    """Making an iterator draws one seed, with or without workers; a shuffling sampler draws
    its own when it starts: on the first batch, or at once where workers prefetch. The default
    generator advances as torch's does."""
    def after(lib, gen_draw, **kwargs):
        lib.manual_seed(5)
        loader = lib.utils.data.DataLoader(Rows(4), num_workers=num_workers, **kwargs)
        it = iter(loader)
        first = gen_draw()
        next(it)
        del it
        return first, gen_draw()

    for lib, draw in ((ember, lambda: int(ember.randint(0, 2 ** 63 - 1, ()))),
                      (torch, lambda: int(torch.empty((), dtype=torch.int64).random_()))):
        lib.manual_seed(5)
        expected = [draw() for _ in range(4)]
        assert after(lib, draw) == (expected[1], expected[2])
        assert after(lib, draw, shuffle=True) == (expected[2 if num_workers else 1], expected[3])


def _expected_worker_draws(seed, worker_id):
    base = seed - worker_id
    numpy_state = np.random.RandomState(np.array(_generate_state(base, worker_id), dtype=np.uint32))
    return random.Random(seed).random(), float(numpy_state.random_sample())


@pytest.mark.parametrize("lib", [ember, torch])
def test_workers_seeded_as_torch_seeds_them(lib):
    loader = lib.utils.data.DataLoader(Seeds(), batch_size=None, num_workers=2, timeout=TIMEOUT)
    lib.manual_seed(11)
    first = [dict(s, seed=int(s["seed"])) for s in loader]
    lib.manual_seed(11)
    assert [dict(s, seed=int(s["seed"])) for s in loader] == first
    assert [int(s["id"]) for s in first] == [0, 1, 0, 1, 0, 1] and {int(s["num_workers"]) for s in first} == {2}
    assert first[1]["seed"] == first[0]["seed"] + 1
    for sample in first[:2]:
        assert (float(sample["random"]), float(sample["numpy"])) == _expected_worker_draws(sample["seed"], sample["id"])
    if lib is ember:
        ember.manual_seed(first[0]["seed"])
        assert float(first[0]["ember"]) == float(ember.rand(()))


def test_worker_info_fields_and_main_process():
    assert [f.name for f in dataclasses.fields(eud._worker.WorkerInfo)] == \
        [f.name for f in dataclasses.fields(tud._utils.worker.WorkerInfo)]
    assert eud.get_worker_info() is None


class InfoDataset:
    def __len__(self):
        return 2

    def __getitem__(self, i):
        info = eud.get_worker_info()
        return [info.id, info.num_workers, info.dataset is not self, type(info.dataset).__name__, os.getpid()]


def test_worker_info_dataset_is_the_workers_copy():
    rows = list(eud.DataLoader(InfoDataset(), batch_size=None, num_workers=2, timeout=TIMEOUT))
    assert [r[:4] for r in rows] == [[0, 2, False, "InfoDataset"], [1, 2, False, "InfoDataset"]]
    assert rows[0][4] != rows[1][4] != os.getpid()


@pytest.mark.parametrize("kwargs", [{"batch_size": None}, {"batch_size": 2}, {"batch_size": 2, "drop_last": True}])
def test_sharded_iterable_dataset_matches_torch(kwargs):
    ours = eud.DataLoader(ERange(3, 12), num_workers=3, timeout=TIMEOUT, **kwargs)
    ref = tud.DataLoader(TRange(3, 12), num_workers=3, timeout=TIMEOUT, **kwargs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in ref]
    whole = tud.DataLoader(TRange(3, 7), num_workers=2, batch_size=None)
    assert [_plain(b) for b in eud.DataLoader(ERange(3, 7), num_workers=2, batch_size=None)] == \
        [_plain(b) for b in whole]


def test_unsharded_iterable_dataset_repeats_in_each_worker_as_torch():
    class EAll(eud.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    class TAll(tud.IterableDataset):
        def __iter__(self):
            return iter(range(3))
    assert [_plain(b) for b in eud.DataLoader(EAll(), num_workers=2, batch_size=2)] == \
        [_plain(b) for b in tud.DataLoader(TAll(), num_workers=2, batch_size=2)]


def test_worker_init_fn_runs_in_each_worker():
    def init(worker_id):
        np.random.seed(100 + worker_id)

    class Draw(Rows):
        def __getitem__(self, i):
            return float(np.random.random())
    out = list(eud.DataLoader(Draw(2), batch_size=None, num_workers=2, worker_init_fn=init))
    assert out == [np.random.RandomState(100).random_sample(), np.random.RandomState(101).random_sample()]


@pytest.mark.parametrize("dataset,expected", [(Rows(fail_at=4), ValueError), (RaisesBadArgs(), RuntimeError)])
def test_worker_exception_reraised_like_torch(dataset, expected):
    for lib in (eud, tud):
        loader = lib.DataLoader(dataset, batch_size=2, num_workers=2, timeout=TIMEOUT)
        it = iter(loader)
        if expected is ValueError:
            assert [_plain(next(it))[1][2] for _ in range(2)] == [[0, 1], [2, 3]]
        with pytest.raises(expected) as error:
            next(it)
        message = str(error.value)
        assert message.startswith(f"Caught {'ValueError' if expected is ValueError else 'BadArgs'} in DataLoader "
                                  "worker process 0.\nOriginal Traceback (most recent call last):")
        assert "__getitem__" in message
        if expected is ValueError:
            assert "bad sample 4" in message and _plain(next(it))[1][2] == [6, 7]
            assert len(list(it)) == 6  # (torch takes 10 s to shut down workers with batches unread)
        del it, error  # the traceback holds the iterator: shut its workers down now
        gc.collect()


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
    _assert_clean(pids)


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
    while time.monotonic() < deadline and not (_gone(pids) and not _segments_of(parent)):
        time.sleep(0.1)
    assert len(pids) == 2 and _gone(pids) and _segments_of(parent) == []


def _segments_of(process):
    return [name for name in os.listdir("/dev/shm") if name.startswith(f"ember{process.pid}_")]


def test_timeout_message_as_torch_and_cleans_up():
    it = iter(eud.DataLoader(Rows(slow_at=0, slow_s=0.6), num_workers=1, timeout=0.2))
    pids = [w.pid for w in it._workers]
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.2 seconds$"):
        next(it)
    _assert_clean(pids)
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
    _assert_clean(pids)


def test_break_del_and_end_of_epoch_shut_workers_down():
    loader = eud.DataLoader(Rows(), batch_size=2, num_workers=2, timeout=TIMEOUT)
    it = iter(loader)
    pids = [w.pid for w in it._workers]
    list(it)
    _assert_clean(pids)
    it = iter(loader)
    next(it)
    pids = [w.pid for w in it._workers]
    del it
    _assert_clean(pids)
    for _ in loader:
        pids = [w.pid for w in loader._iterator._workers] if loader._iterator else pids
        break
    gc.collect()
    _assert_clean(pids)


def test_garbage_collected_cycle_shuts_workers_down():
    it = iter(eud.DataLoader(Rows(), batch_size=2, num_workers=1, timeout=TIMEOUT))
    pids = [w.pid for w in it._workers]
    it.cycle = it
    del it
    gc.collect()
    _assert_clean(pids)


def test_persistent_workers_live_across_epochs():
    loader = eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=2, persistent_workers=True,
                            timeout=TIMEOUT)
    ember.manual_seed(1)
    first = [_plain(b) for b in loader]
    pids = [w.pid for w in loader._iterator._workers]
    it = iter(loader)
    next(it)  # an epoch left half-read: its batches must not leak into the next
    second = [_plain(b) for b in loader]
    assert [w.pid for w in loader._iterator._workers] == pids and not _gone(pids)
    ember.manual_seed(1)
    single = eud.DataLoader(Rows(), batch_size=3, shuffle=True)
    expected = [_plain(b) for b in single]
    next(iter(single))
    assert first == expected and sorted(i for b in second for i in b[1][2]) == list(range(20))
    del loader, it
    gc.collect()
    _assert_clean(pids)


def test_persistent_workers_restart_an_iterable_dataset():
    ours = eud.DataLoader(ERange(0, 8), batch_size=3, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    ref = tud.DataLoader(TRange(0, 8), batch_size=3, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    assert [[_plain(b) for b in ours] for _ in range(2)] == [[_plain(b) for b in ref] for _ in range(2)]


def test_out_of_order_yields_batches_as_they_come():
    loader = eud.DataLoader(Rows(4, slow_at=0, slow_s=0.5), batch_size=None, num_workers=2, in_order=False,
                            timeout=TIMEOUT)
    out = [int(b[1]) for b in loader]
    assert sorted(out) == [0, 1, 2, 3] and out[0] != 0


def test_segment_written_once_copied_out_released_and_reused():
    prefix = f"ember{os.getpid()}_t_0"
    writer, reader = _shared.SegmentWriter(prefix), _shared.SegmentReader()
    big = [ember.arange(2000.0), np.arange(3000)]
    first, second = writer.dumps((0, big)), writer.dumps((1, [np.ones(2000)]))
    assert len(first) < 1000 and _our_segments() == [f"{prefix}_0", f"{prefix}_1"]
    (idx, out), slot = reader.loads(first)
    assert (idx, slot) == (0, 0) and _our_segments() == [f"{prefix}_1"]  # opened once: unlinked
    assert type(out[0]) is ember.Tensor and out[0].tolist() == big[0].tolist() and out[1].tolist() == big[1].tolist()
    assert out[0]._data.base is None and out[0]._data.flags.writeable  # its own memory
    writer.release(0)
    (idx, out), slot = reader.loads(writer.dumps((2, [ember.full((3000,), 7.0)])))
    assert (idx, slot) == (2, 0) and out[0].tolist() == [7.0] * 3000 and _our_segments() == [f"{prefix}_1"]
    assert reader.loads(writer.dumps((3, [np.ones(3)])))[1] is None  # small arrays go with the pickle
    _shared.sweep(prefix)
    reader.close()
    assert _our_segments() == []


def test_workers_reuse_segments_across_batches():
    loader = eud.DataLoader(Rows(40), batch_size=2, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    batches = [_plain(b)[1][2] for b in loader]
    opened = [len(reader._fds) for reader in loader._iterator._pool._readers]
    assert batches == [[i, i + 1] for i in range(0, 40, 2)] and 1 <= max(opened) <= 3
    pids = [w.pid for w in loader._iterator._workers]
    del loader
    gc.collect()
    _assert_clean(pids)


def test_non_leaf_tensor_requiring_grad_is_refused():
    class Graph(Rows):
        def __getitem__(self, i):
            return ember.ones(300, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        next(iter(eud.DataLoader(Graph(), batch_size=None, num_workers=1, timeout=TIMEOUT)))


def test_spawn_context_by_name():
    data = eud.TensorDataset(ember.arange(6.0))
    ours = eud.DataLoader(data, batch_size=4, num_workers=1, multiprocessing_context="spawn", timeout=TIMEOUT)
    assert isinstance(ours.multiprocessing_context, multiprocessing.context.SpawnContext)
    assert [_plain(b) for b in ours] == [[("float32", (4,), [0.0, 1.0, 2.0, 3.0])], [("float32", (2,), [4.0, 5.0])]]


@pytest.mark.parametrize("context,error", [("nope", ValueError), (3, TypeError)])
def test_bad_multiprocessing_context_like_torch(context, error):
    with pytest.raises(error) as ours:
        eud.DataLoader(Rows(), num_workers=1, multiprocessing_context=context)
    with pytest.raises(error) as ref:
        tud.DataLoader(Rows(), num_workers=1, multiprocessing_context=context)
    assert str(ours.value) == str(ref.value)


def test_options_default_like_torch():
    for kwargs in ({}, {"num_workers": 2}, {"num_workers": 2, "prefetch_factor": 4}):
        ours, ref = eud.DataLoader(Rows(), **kwargs), tud.DataLoader(Rows(), **kwargs)
        assert (ours.prefetch_factor, ours.persistent_workers, ours.in_order, ours.timeout) == \
            (ref.prefetch_factor, ref.persistent_workers, ref.in_order, ref.timeout)


def test_pin_memory_accepted_with_torch_warnings():
    for lib in (eud, tud):
        with pytest.warns(UserWarning) as record:
            out = list(lib.DataLoader(Rows(4), batch_size=2, num_workers=1, pin_memory=True,
                                      pin_memory_device="cuda"))
        assert len(out) == 2
        assert any("pin_memory_device is deprecated" in str(w.message) for w in record)
        assert any("no accelerator is found" in str(w.message) for w in record)


def test_too_many_workers_warns_like_torch():
    workers = len(os.sched_getaffinity(0)) + 1
    messages = []
    for lib in (eud, tud):
        with pytest.warns(UserWarning) as record:
            lib.DataLoader(Rows(), num_workers=workers)
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1]
