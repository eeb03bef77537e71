"""The image demos train with BLAS on one thread: OpenBLAS's threads gain a small CNN nothing
on 2 idle cores and cost it 7x the wall time on 2 busy ones."""

import pytest
import threadpoolctl

from ember.demos import _common, _training, digits, siamese


class _Stop(Exception):
    pass


def test_the_image_demos_train_with_one_blas_thread(monkeypatch, tmp_path):
    threads: list[set[int]] = []

    def spy(*args, **kwargs):
        threads.append({pool["num_threads"] for pool in threadpoolctl.threadpool_info()})
        raise _Stop

    monkeypatch.setattr(_training, "fit", spy)
    for run in (digits.run, siamese.run):
        with pytest.raises(_Stop):
            run(epochs=1, out=tmp_path, progress=False)
    assert threads == [{1}, {1}]


def test_one_blas_thread_restores_the_limits():
    before = threadpoolctl.threadpool_info()
    with _common.one_blas_thread():
        assert {pool["num_threads"] for pool in threadpoolctl.threadpool_info()} == {1}
    assert threadpoolctl.threadpool_info() == before
