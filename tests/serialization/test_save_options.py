"""ember.save's signature and options beside torch.save's: pickle_protocol, the legacy format,
the byteorder record."""

import inspect
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch

import ember


def test_signature_is_torchs_then_format():
    ours = list(inspect.signature(ember.save).parameters.values())
    theirs = list(inspect.signature(torch.save).parameters.values())
    assert [(p.name, p.kind, p.default) for p in ours[:-1]] == [(p.name, p.kind, p.default) for p in theirs]
    assert (ours[-1].name, ours[-1].kind) == ("format", inspect.Parameter.KEYWORD_ONLY)


def _sample():
    x = ember.arange(12.0).reshape(3, 4)
    return {"x": x, "t": x.t(), "row": x[1], "i": ember.arange(3), "p": ember.nn.Parameter(ember.ones(2)),
            "h": ember.ones(2, dtype=ember.float16), "n": [1, "a", None]}


def _check(loaded, lib):
    np.testing.assert_array_equal(loaded["t"].detach().numpy(), np.arange(12.0).reshape(3, 4).T)
    np.testing.assert_array_equal(loaded["row"].detach().numpy(), [4.0, 5.0, 6.0, 7.0])
    assert loaded["i"].tolist() == [0, 1, 2] and loaded["h"].dtype == lib.float16
    assert type(loaded["p"]) is lib.nn.Parameter and loaded["n"] == [1, "a", None]
    loaded["x"].add_(1)  # views still share their storage
    assert loaded["row"].tolist() == [5.0, 6.0, 7.0, 8.0]


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
@pytest.mark.parametrize("protocol", [2, 4, 5])
@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_both_libraries_read_every_protocol_and_format(protocol, legacy):
    """torch's weights-only unpickler knows protocol 2 only (it refuses the FRAME opcode of 4 and
    5, in files torch.save writes too); ember's reads them all."""
    buffer = io.BytesIO()
    ember.save(_sample(), buffer, pickle_protocol=protocol, _use_new_zipfile_serialization=not legacy)
    assert buffer.getvalue().startswith(b"\x80" if legacy else b"PK")
    _check(torch.load(io.BytesIO(buffer.getvalue()), weights_only=protocol == 2), torch)
    _check(ember.load(io.BytesIO(buffer.getvalue())), ember)


def test_legacy_format_matches_torchs_layout():
    """Same header pickles, same storage ids, same raw storages as torch writes for one tensor."""
    ours, theirs = io.BytesIO(), io.BytesIO()
    ember.save(ember.arange(3.0), ours, _use_new_zipfile_serialization=False)
    torch.save(torch.arange(3.0), theirs, _use_new_zipfile_serialization=False)
    ours.seek(0)
    theirs.seek(0)
    for _ in range(3):  # magic number, protocol version, sys info
        assert pickle.load(ours) == pickle.load(theirs)
    assert ours.getvalue()[-20:] == theirs.getvalue()[-20:]  # numel, then 3 float32s


def test_byteorder_record_can_be_left_out():
    buffer = io.BytesIO()
    ember.save({"x": ember.arange(3)}, buffer, _disable_byteorder_record=True)
    assert not any(n.endswith("byteorder") for n in zipfile.ZipFile(buffer).namelist())
    for lib in (torch, ember):
        assert lib.load(io.BytesIO(buffer.getvalue()))["x"].tolist() == [0, 1, 2]


def test_another_pickle_module_is_refused():
    with pytest.raises(ValueError, match="pickle_module"):
        ember.save([1], io.BytesIO(), pickle_module=object())
