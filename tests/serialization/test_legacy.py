"""torch's pre-1.6 format (`torch.save(..., _use_new_zipfile_serialization=False)`): files torch
writes load through the same allowlist as the zip format; hostile and broken ones are refused;
the still older tar format gets a clear error."""

import fractions
import io
import os
import pickle
import tarfile

import numpy as np
import pytest
import torch
from checkpoint_files import reducing, torch_bytes

import ember

MAGIC = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
VERSION = pickle.dumps(1001, protocol=2)
SYS_INFO = pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)


def _load(data: bytes, **kwargs):
    return ember.load(io.BytesIO(data), **kwargs)


def test_tensors_and_views_load_as_torch_reads_them():
    x = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    obj = {"x": x, "p": x.permute(2, 0, 1), "s": x[1, ::2], "zero_d": torch.tensor(7), "half": x.half(),
           "mask": x > 5, "u8": torch.arange(4, dtype=torch.uint8), "i16": torch.arange(3, dtype=torch.int16),
           "f64": x.double()[0], "param": torch.nn.Parameter(torch.ones(2)), "empty": torch.zeros(0, 3),
           "nested": [(1, "a"), {"k": None}], "dtype": torch.float16}
    data = torch_bytes(obj, legacy=True)
    theirs, ours = torch.load(io.BytesIO(data)), _load(data)
    for key, value in theirs.items():
        if isinstance(value, torch.Tensor):
            assert ours[key].dtype.name == str(value.dtype).removeprefix("torch."), key
            assert tuple(ours[key].shape) == tuple(value.shape), key
            np.testing.assert_array_equal(ours[key].detach().numpy(), value.detach().numpy())
    assert type(ours["param"]) is ember.nn.Parameter and ours["param"].requires_grad
    assert ours["nested"] == [(1, "a"), {"k": None}] and ours["dtype"] is ember.float16
    ours["x"].add_(100)  # views share the storage, as in torch
    np.testing.assert_array_equal(ours["p"].numpy(), x.permute(2, 0, 1).numpy() + 100)


def test_state_dict_trains_on_in_the_other_library():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    ours = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))
    ours.load_state_dict(_load(torch_bytes(theirs.state_dict(), legacy=True)))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(ember.tensor(x)).detach().numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_bfloat16_storages_widen_with_one_warning():
    values = torch.tensor([[1.5, -2.25, 3e38], [1e-38, 0.0, -7.0]], dtype=torch.bfloat16)
    data = torch_bytes({"a": values, "b": values.t(), "c": values[1].clone()}, legacy=True)
    with pytest.warns(UserWarning, match="bfloat16 .* as float32") as caught:
        ours = _load(data)
    assert len(caught) == 1
    assert ours["b"].dtype == ember.float32
    np.testing.assert_array_equal(ours["b"].numpy(), values.t().float().numpy())


def test_weights_only_false_loads_a_custom_object():
    data = torch_bytes({"third": fractions.Fraction(1, 3), "w": torch.ones(2)}, legacy=True)
    with pytest.raises(pickle.UnpicklingError, match="unsupported global: GLOBAL fractions.Fraction"):
        _load(data)
    loaded = _load(data, weights_only=False)
    assert loaded["third"] == fractions.Fraction(1, 3) and loaded["w"].tolist() == [1.0, 1.0]


HOSTILE = {  # where in the sequence of pickles the payload sits
    "magic": lambda evil: evil + VERSION + SYS_INFO,
    "version": lambda evil: MAGIC + evil + SYS_INFO,
    "sys info": lambda evil: MAGIC + VERSION + evil,
    "object": lambda evil: MAGIC + VERSION + SYS_INFO + evil + pickle.dumps([], protocol=2),
    "storage keys": lambda evil: MAGIC + VERSION + SYS_INFO + pickle.dumps(1, protocol=2) + evil,
}


@pytest.mark.parametrize("where", HOSTILE)
def test_hostile_pickles_anywhere_are_refused_and_nothing_runs(tmp_path, where):
    marker = tmp_path / "pwned"
    data = HOSTILE[where](reducing(os.system, f"touch {marker}"))
    with pytest.raises(pickle.UnpicklingError, match="unsupported global: GLOBAL (os|posix).system"):
        _load(data)
    assert not marker.exists()
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(data))


def _fragment(value) -> bytes:
    """`value` as pickle opcodes to splice into a hand-written pickle."""
    return pickle.dumps(value, protocol=2)[2:-1]


def _tensor(key: str, numel: int, view: tuple = None) -> bytes:
    """Opcodes of a float32 tensor over the storage `key` of `numel` elements (over its view
    `(view key, offset, numel)` if given)."""
    storage = (b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\n" + _fragment(key) + b"X\x03\x00\x00\x00cpu"
               + _fragment(numel) + _fragment(view) + b"t")
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage + b"QK\x00" + _fragment((view[2] if view else numel,))
            + b"K\x01\x85\x89ccollections\nOrderedDict\n)RtR")


def _legacy_file(obj: bytes, keys: list, stored: bytes) -> bytes:
    """A legacy checkpoint of the object pickled as the opcodes `obj`, then `keys` and the `stored` bytes."""
    return MAGIC + VERSION + SYS_INFO + b"\x80\x02" + obj + b"." + pickle.dumps(keys, protocol=2) + stored


def _object_with_storage(numel: int, keys: list, stored: bytes, view: tuple = None) -> bytes:
    """A legacy checkpoint of one tensor over the storage "0"."""
    return _legacy_file(_tensor("0", numel, view), keys, stored)


def test_hand_written_file_loads_and_its_broken_variants_raise():
    good = _object_with_storage(2, ["0"], (2).to_bytes(8, "little") + np.float32([1, 2]).tobytes())
    assert _load(good).tolist() == [1.0, 2.0] == torch.load(io.BytesIO(good)).tolist()
    broken = {
        "claims 10**12 elements": _object_with_storage(10**12, ["0"], b""),
        "keys that name no storage": _object_with_storage(2, ["9"], b""),
        "a storage left out of the keys": _object_with_storage(2, [], b""),
        "size header disagrees": _object_with_storage(2, ["0"], (3).to_bytes(8, "little") + b"\x00" * 12),
        "cut short": _object_with_storage(2, ["0"], (2).to_bytes(8, "little") + b"\x00" * 5),
    }
    for what, data in broken.items():
        with pytest.raises(RuntimeError, match="corrupt checkpoint"):
            _load(data)
        if what != "a storage left out of the keys":  # which torch loads as uninitialised memory
            with pytest.raises((RuntimeError, AssertionError)):
                torch.load(io.BytesIO(data))


def test_storages_claiming_more_than_the_file_holds_together_are_refused():
    padding = b"\x00" * 4000  # each claim fits in what follows the object pickle, not both
    data = _legacy_file(b"(" + _tensor("0", 600) + _tensor("1", 600) + b"l", ["0", "1"], padding)
    with pytest.raises(RuntimeError, match="storage '1' claims 600 elements, more than the file holds"):
        _load(data)


def test_storage_views_of_old_torch_files():
    stored = (4).to_bytes(8, "little") + np.float32([1, 2, 3, 4]).tobytes()
    data = _object_with_storage(4, ["0"], stored, view=("v", 1, 2))
    assert _load(data).tolist() == [2.0, 3.0] == torch.load(io.BytesIO(data)).tolist()
    with pytest.raises(RuntimeError, match="storage view .* runs past its storage"):
        _load(_object_with_storage(4, ["0"], stored, view=("v", 3, 2)))


def test_wrong_magic_number():
    data = pickle.dumps(12345, protocol=2) + VERSION + SYS_INFO
    with pytest.raises(RuntimeError, match="Invalid magic number; corrupt file?"):
        _load(data)
    with pytest.raises(RuntimeError, match="Invalid magic number; corrupt file?"):
        torch.load(io.BytesIO(data))


def test_truncated_pickle_is_a_corrupt_checkpoint():
    data = torch_bytes({"w": torch.ones(3)}, legacy=True)
    with pytest.raises(pickle.UnpicklingError, match="corrupt checkpoint"):
        _load(data[:60])


def test_tar_format_gets_a_clear_error(tmp_path):
    path = tmp_path / "old.pt"
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name in ("storages", "tensors", "pickle"):
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"\x00"))
    with pytest.raises(RuntimeError, match="legacy .tar format.*torch.load.*save it again"):
        ember.load(path)
    with pytest.raises(RuntimeError, match="legacy .tar format"):
        torch.load(path)


def test_mmap_needs_the_zip_format(tmp_path):
    (tmp_path / "old.pt").write_bytes(torch_bytes([torch.ones(1)], legacy=True))
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        ember.load(tmp_path / "old.pt", mmap=True)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        torch.load(tmp_path / "old.pt", mmap=True)
