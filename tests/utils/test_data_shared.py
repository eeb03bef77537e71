"""How batches travel from DataLoader workers (ember.utils.data._shared): buffers through
reused shared-memory segments, the rest pickled."""

import gc
import os

import numpy as np
import pytest

import ember
import ember.utils.data as eud
from ember.utils.data import _shared

from .workers_common import (  # noqa: F401  (quiet_cpu_warning: an autouse fixture)
    TIMEOUT, Rows, assert_clean, our_segments, plain, quiet_cpu_warning,
)


def test_segment_written_once_copied_out_released_and_reused():
    prefix = f"ember{os.getpid()}_t_0"
    writer, reader = _shared.SegmentWriter(prefix), _shared.SegmentReader()
    big = [ember.arange(2000.0), np.arange(3000)]
    first, second = writer.dumps((0, big)), writer.dumps((1, [np.ones(2000)]))
    assert len(first) < 1000 and our_segments() == [f"{prefix}_0", f"{prefix}_1"]
    (idx, out), slot = reader.loads(first)
    assert (idx, slot) == (0, 0) and our_segments() == [f"{prefix}_1"]  # opened once: unlinked
    assert type(out[0]) is ember.Tensor and out[0].tolist() == big[0].tolist() and out[1].tolist() == big[1].tolist()
    assert out[0]._data.base is None and out[0]._data.flags.writeable  # its own memory
    writer.release(0)
    (idx, out), slot = reader.loads(writer.dumps((2, [ember.full((3000,), 7.0)])))
    assert (idx, slot) == (2, 0) and out[0].tolist() == [7.0] * 3000 and our_segments() == [f"{prefix}_1"]
    assert reader.loads(writer.dumps((3, [np.ones(3)])))[1] is None  # small arrays go with the pickle
    _shared.sweep(prefix)
    reader.close()
    assert our_segments() == []


def test_workers_reuse_segments_across_batches():
    loader = eud.DataLoader(Rows(40), batch_size=2, num_workers=2, persistent_workers=True, timeout=TIMEOUT)
    batches = [plain(b)[1][2] for b in loader]
    opened = [len(reader._fds) for reader in loader._iterator._pool._readers]
    assert batches == [[i, i + 1] for i in range(0, 40, 2)] and 1 <= max(opened) <= 3
    pids = [w.pid for w in loader._iterator._workers]
    del loader
    gc.collect()
    assert_clean(pids)


def test_non_leaf_tensor_requiring_grad_is_refused():
    class Graph(Rows):
        def __getitem__(self, i):
            return ember.ones(300, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        next(iter(eud.DataLoader(Graph(), batch_size=None, num_workers=1, timeout=TIMEOUT)))
