"""DataLoader with worker processes (num_workers > 0) against torch.utils.data.DataLoader and
against ember's own single-process loading: batches, seeding, WorkerInfo, iterable datasets,
persistent workers, options."""

import dataclasses
import gc
import multiprocessing
import os
import random

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from torch.utils.data._utils.worker import _generate_state

import ember
import ember.utils.data as eud

from .workers_common import (  # noqa: F401  (quiet_cpu_warning: an autouse fixture)
    TIMEOUT, Batched, ERange, Rows, Seeds, TRange, assert_clean, gone, plain, quiet_cpu_warning,
)


@pytest.mark.parametrize("kwargs", [{"batch_size": 3}, {"batch_size": 4, "drop_last": True}, {"batch_size": None},
                                    {"batch_size": 5, "in_order": True, "prefetch_factor": 1}])
@pytest.mark.parametrize("num_workers", [1, 3])
def test_batches_match_torch_and_single_process(kwargs, num_workers):
    ours = eud.DataLoader(Rows(), num_workers=num_workers, timeout=TIMEOUT, **kwargs)
    ref = tud.DataLoader(Rows(), num_workers=num_workers, timeout=TIMEOUT, **kwargs)
    single = eud.DataLoader(Rows(), **{k: v for k, v in kwargs.items() if k not in {"prefetch_factor"}})
    expected = [plain(b) for b in ref]
    assert [plain(b) for b in ours] == expected == [plain(b) for b in single]
    assert len(ours) == len(ref)


def test_getitems_and_strings_match_torch():
    ours = eud.DataLoader(Batched(), batch_size=4, num_workers=2, timeout=TIMEOUT)
    ref = tud.DataLoader(Batched(), batch_size=4, num_workers=2, timeout=TIMEOUT)
    assert [plain(b) for b in ours] == [plain(b) for b in ref]


def test_tensor_dataset_fast_path_in_workers():
    data = np.arange(600, dtype=np.float32).reshape(200, 3)
    ours = eud.DataLoader(eud.TensorDataset(ember.tensor(data), ember.arange(200)), batch_size=64, num_workers=2)
    ref = tud.DataLoader(tud.TensorDataset(torch.tensor(data), torch.arange(200)), batch_size=64, num_workers=2)
    assert [plain(b) for b in ours] == [plain(b) for b in ref]


@pytest.mark.parametrize("num_workers", [1, 4])
def test_seeded_shuffle_same_with_any_num_workers(num_workers):
    ember.manual_seed(7)
    single = [plain(b) for b in eud.DataLoader(Rows(), batch_size=3, shuffle=True)]
    ember.manual_seed(7)
    multi = [plain(b) for b in eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=num_workers)]
    gen = ember.Generator().manual_seed(3)
    with_generator = eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=num_workers, generator=gen)
    assert multi == single and [b[1] for b in single] != [b[1] for b in plain(list(with_generator))]


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
    assert [plain(b) for b in ours] == [plain(b) for b in ref]
    whole = tud.DataLoader(TRange(3, 7), num_workers=2, batch_size=None)
    assert [plain(b) for b in eud.DataLoader(ERange(3, 7), num_workers=2, batch_size=None)] == \
        [plain(b) for b in whole]


def test_uneven_shards_end_one_worker_early():
    """Shards of 3, 3 and 1 rows: the third worker ends first and gets no more tasks; every row
    comes once (the order of what follows depends on when its end arrives, in torch too)."""
    out = [plain(b)[2] for b in eud.DataLoader(ERange(0, 7), num_workers=3, batch_size=2, timeout=TIMEOUT)]
    assert sorted(row[0] for batch in out for row in batch) == list(range(7))
    assert out[:3] == [[[0.0] * 300, [1.0] * 300], [[3.0] * 300, [4.0] * 300], [[6.0] * 300]]


def _whole(base):
    class Whole(base):
        """Every worker reads the whole stream; len() reports it once."""

        def __iter__(self):
            return iter(range(3))

        def __len__(self):
            return 3

        def __repr__(self):
            return "Whole"
    return Whole


def test_unsharded_iterable_dataset_repeats_in_each_worker_as_torch():
    """Each worker yields the whole stream, and the loader warns past the reported length."""
    out, messages = [], []
    for lib in (eud, tud):
        loader = lib.DataLoader(_whole(lib.IterableDataset)(), num_workers=2, batch_size=2, timeout=TIMEOUT)
        assert len(loader) == 2
        with pytest.warns(UserWarning) as record:
            out.append([plain(b) for b in loader])
        messages.append([str(w.message) for w in record if "Length of IterableDataset" in str(w.message)])
    assert out[0] == out[1] and messages[0] == messages[1] and len(messages[0]) == 1


def test_worker_init_fn_runs_in_each_worker():
    def init(worker_id):
        np.random.seed(100 + worker_id)

    class Draw(Rows):
        def __getitem__(self, i):
            return float(np.random.random())
    out = list(eud.DataLoader(Draw(2), batch_size=None, num_workers=2, worker_init_fn=init))
    assert out == [np.random.RandomState(100).random_sample(), np.random.RandomState(101).random_sample()]


def test_persistent_workers_live_across_epochs():
    loader = eud.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=2, persistent_workers=True,
                            timeout=TIMEOUT)
    ember.manual_seed(1)
    first = [plain(b) for b in loader]
    pids = [w.pid for w in loader._iterator._workers]
    it = iter(loader)
    next(it)  # an epoch left half-read: its batches must not leak into the next
    second = [plain(b) for b in loader]
    assert [w.pid for w in loader._iterator._workers] == pids and not gone(pids)
    ember.manual_seed(1)
    single = eud.DataLoader(Rows(), batch_size=3, shuffle=True)
    expected = [plain(b) for b in single]
    next(iter(single))
    assert first == expected and sorted(i for b in second for i in b[1][2]) == list(range(20))
    del loader, it
    gc.collect()
    assert_clean(pids)


def test_persistent_workers_restart_an_iterable_dataset():
    ours = eud.DataLoader(ERange(0, 8), batch_size=3, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    ref = tud.DataLoader(TRange(0, 8), batch_size=3, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    assert [[plain(b) for b in ours] for _ in range(2)] == [[plain(b) for b in ref] for _ in range(2)]


def test_out_of_order_yields_batches_as_they_come():
    loader = eud.DataLoader(Rows(4, slow_at=0, slow_s=0.5), batch_size=None, num_workers=2, in_order=False,
                            timeout=TIMEOUT)
    out = [int(b[1]) for b in loader]
    assert sorted(out) == [0, 1, 2, 3] and out[0] != 0


def test_spawn_context_by_name_and_a_context_object():
    data = eud.TensorDataset(ember.arange(6.0))
    expected = [[("float32", (4,), [0.0, 1.0, 2.0, 3.0])], [("float32", (2,), [4.0, 5.0])]]
    ours = eud.DataLoader(data, batch_size=4, num_workers=1, multiprocessing_context="spawn", timeout=TIMEOUT)
    assert isinstance(ours.multiprocessing_context, multiprocessing.context.SpawnContext)
    assert [plain(b) for b in ours] == expected
    fork = multiprocessing.get_context("fork")
    ours = eud.DataLoader(data, batch_size=4, num_workers=1, multiprocessing_context=fork, timeout=TIMEOUT)
    assert ours.multiprocessing_context is fork and [plain(b) for b in ours] == expected


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
