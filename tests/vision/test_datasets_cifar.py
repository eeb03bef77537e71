"""datasets.CIFAR10 and CIFAR100: Python 2 pickles read with the allowlist unpickler, never plain pickle."""

import io
import os
import pickle
import pickletools

import numpy as np
import pytest

from ember.serialization.plain_pickle import load_plain_pickle
from ember.vision import datasets

from .datafiles import md5, py2_pickle, write_cifar


def _as_hwc(data):
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_the_fixture_pickles_as_python_2_did():
    ops = {op.name for op, _, _ in pickletools.genops(py2_pickle({b"data": np.zeros(2, np.uint8)}))}
    assert "SHORT_BINSTRING" in ops and "SHORT_BINBYTES" not in ops
    assert b"numpy.core.multiarray\n_reconstruct" in py2_pickle(np.zeros(2, np.uint8))


@pytest.mark.parametrize("train", [True, False])
def test_cifar10_reads_hwc_images_labels_and_class_names(tmp_path, monkeypatch, train):
    written, classes = write_cifar(str(tmp_path), datasets.CIFAR10, monkeypatch)
    ds = datasets.CIFAR10(str(tmp_path), train=train)
    batches = ["data_batch_1", "data_batch_2"] if train else ["test_batch"]
    data = np.concatenate([written[b][0] for b in batches])
    labels = sum((written[b][1] for b in batches), [])
    assert len(ds) == len(labels) and ds.data.shape == (len(labels), 32, 32, 3) and ds.data.dtype == np.uint8
    np.testing.assert_array_equal(ds.data, _as_hwc(data))
    assert ds.targets == labels
    assert ds.classes == classes and ds.class_to_idx["class7"] == 7
    image, target = ds[len(ds) - 1]
    assert (image.mode, image.size, type(target), target) == ("RGB", (32, 32), int, labels[-1])
    np.testing.assert_array_equal(np.asarray(image), _as_hwc(data)[-1])
    assert repr(ds).endswith(f"Root location: {tmp_path}\n    Split: {'Train' if train else 'Test'}")


def test_cifar100_reads_the_fine_labels(tmp_path, monkeypatch):
    written, classes = write_cifar(str(tmp_path), datasets.CIFAR100, monkeypatch, hundred=True)
    ds = datasets.CIFAR100(tmp_path, train=True, target_transform=lambda t: -t)
    assert len(ds.classes) == 100 and ds.classes == classes
    np.testing.assert_array_equal(ds.data, _as_hwc(written["train"][0]))
    assert ds[2][1] == -written["train"][1][2]


def test_missing_or_corrupted_files_say_how_to_download(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted. You can use download=True"):
        datasets.CIFAR10(tmp_path)
    write_cifar(str(tmp_path), datasets.CIFAR10, monkeypatch)
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_2", "ab") as f:
        f.write(b"x")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.CIFAR10(tmp_path)
    write_cifar(str(tmp_path), datasets.CIFAR10, monkeypatch)
    with open(tmp_path / "cifar-10-batches-py" / "batches.meta", "ab") as f:
        f.write(b"x")
    with pytest.raises(RuntimeError, match="^Dataset metadata file not found or corrupted"):
        datasets.CIFAR10(tmp_path, train=False)


def _evil(marker) -> bytes:
    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    return pickle.dumps({"data": Evil(), "labels": [0]}, protocol=2)


def test_a_hostile_pickle_in_the_cifar_folder_raises_and_runs_nothing(tmp_path, monkeypatch):
    write_cifar(str(tmp_path), datasets.CIFAR10, monkeypatch)
    marker = tmp_path / "pwned"
    payload = _evil(marker)
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(payload)
    monkeypatch.setattr(datasets.CIFAR10, "test_list", [["test_batch", md5(payload)]])
    with pytest.raises(pickle.UnpicklingError, match=r"unsupported global: GLOBAL (posix|os)\.system"):
        datasets.CIFAR10(tmp_path, train=False)
    assert not marker.exists()


@pytest.mark.parametrize("payload", [
    b"\x80\x02cbuiltins\neval\nX\x04\x00\x00\x001+1q\x85R.",
    b"\x80\x04\x8c\x08builtins\x8c\x04exec\x93X\x01\x00\x00\x001\x85R.",
    b"\x80\x02cnumpy\nload\nX\x01\x00\x00\x00a\x85R.",
    b"\x80\x02X\x01\x00\x00\x00aQ.",  # a persistent id
])
def test_plain_pickle_refuses_every_other_global(payload):
    with pytest.raises(pickle.UnpicklingError):
        load_plain_pickle(io.BytesIO(payload))


def test_plain_pickle_reads_data_written_by_python_3_at_any_protocol():
    value = {"a": [1, 2.5, None, True], "b": (np.arange(6, dtype=np.int16).reshape(2, 3), np.float64(1.5)),
             b"c": {frozenset({1}), "s"}}
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        loaded = load_plain_pickle(io.BytesIO(pickle.dumps(value, protocol=protocol)))
        np.testing.assert_array_equal(loaded["b"][0], value["b"][0])
        assert loaded["a"] == value["a"] and loaded["b"][1] == 1.5 and loaded[b"c"] == value[b"c"]


@pytest.mark.parametrize("cut", [1, 5, 20, 60])
def test_plain_pickle_reports_a_truncated_stream(cut):
    whole = pickle.dumps({"data": np.zeros(9), "labels": [1, 2]}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="truncated|malformed"):
        load_plain_pickle(io.BytesIO(whole[:-cut]))


@pytest.mark.parametrize("content,message", [
    ([1, 2], "holds a list, not a dict"),
    ({b"labels": [1]}, "has no 'data' entry"),
    ({b"data": np.zeros((1, 3072), np.uint8)}, "has no 'labels' or 'fine_labels' entry"),
])
def test_a_pickle_that_is_not_a_cifar_batch_is_a_clear_error(tmp_path, monkeypatch, content, message):
    write_cifar(str(tmp_path), datasets.CIFAR10, monkeypatch)
    payload = py2_pickle(content)
    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(payload)
    monkeypatch.setattr(datasets.CIFAR10, "test_list", [["test_batch", md5(payload)]])
    with pytest.raises(RuntimeError, match=f"test_batch is not a CIFAR file: it {message}"):
        datasets.CIFAR10(tmp_path, train=False)
