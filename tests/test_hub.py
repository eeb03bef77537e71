"""ember.hub against a local HTTP server on 127.0.0.1: a download is whole and checked under its
final name or absent; the cache folder is torch.hub's layout under EMBER_HOME."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import urllib.error
from pathlib import Path

import numpy as np
import pytest

import ember
from ember import hub
from ember._write_aside import written_aside
from local_http import Server


@pytest.fixture
def state() -> tuple[bytes, dict]:
    """A small state_dict and the bytes `ember.save` writes for it."""
    weights = {"fc.weight": ember.arange(6, dtype=ember.float32).reshape(2, 3), "fc.bias": ember.zeros(2)}
    buffer = io.BytesIO()
    ember.save(weights, buffer)
    return buffer.getvalue(), weights


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """EMBER_HOME in a fresh folder, no `set_dir` in force; returns <home>/hub."""
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "hub"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_download_url_to_file_checks_the_hash_prefix_and_shows_a_bar(http_server: Server, tmp_path: Path,
                                                                     capfd: pytest.CaptureFixture) -> None:
    http_server.files["/f.bin"] = b"ember" * 1000
    hub.download_url_to_file(f"{http_server.url}/f.bin", str(tmp_path / "f.bin"), _sha256(b"ember" * 1000)[:10])
    assert (tmp_path / "f.bin").read_bytes() == b"ember" * 1000 and os.listdir(tmp_path) == ["f.bin"]
    assert "100%" in capfd.readouterr().err
    hub.download_url_to_file(f"{http_server.url}/f.bin", str(tmp_path / "g.bin"), progress=False)
    assert capfd.readouterr().err == "" and sorted(os.listdir(tmp_path)) == ["f.bin", "g.bin"]


def test_the_download_has_the_umasks_permissions(http_server: Server, tmp_path: Path) -> None:
    """Not a temporary file's 0600: a cache shared by a group stays readable by it."""
    http_server.files["/f.bin"] = b"x"
    hub.download_url_to_file(f"{http_server.url}/f.bin", str(tmp_path / "f.bin"), progress=False)
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "f.bin").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_bad_hash_prefix_raises_as_torch_and_leaves_the_old_file(http_server: Server, tmp_path: Path) -> None:
    http_server.files["/f.bin"] = b"new"
    (tmp_path / "f.bin").write_bytes(b"old")
    message = f'^invalid hash value \\(expected "abc", got "{_sha256(b"new")}"\\)'
    with pytest.raises(RuntimeError, match=message):
        hub.download_url_to_file(f"{http_server.url}/f.bin", str(tmp_path / "f.bin"), "abc", progress=False)
    assert os.listdir(tmp_path) == ["f.bin"] and (tmp_path / "f.bin").read_bytes() == b"old"


def test_a_failed_or_truncated_download_leaves_nothing(http_server: Server, tmp_path: Path) -> None:
    with pytest.raises(urllib.error.HTTPError, match="404"):
        hub.download_url_to_file(f"{http_server.url}/missing.bin", str(tmp_path / "f.bin"), progress=False)
    http_server.files["/short.bin"] = b"abc"
    http_server.truncated.add("/short.bin")
    with pytest.raises(urllib.error.ContentTooShortError, match="got only 3 out of 1003 bytes"):
        hub.download_url_to_file(f"{http_server.url}/short.bin", str(tmp_path / "f.bin"), progress=False)
    assert os.listdir(tmp_path) == []


def test_downloads_without_tqdm(http_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capfd: pytest.CaptureFixture) -> None:
    http_server.files["/f.bin"] = b"ember"
    monkeypatch.setitem(sys.modules, "tqdm", None)
    hub.download_url_to_file(f"{http_server.url}/f.bin", str(tmp_path / "f.bin"))
    assert (tmp_path / "f.bin").read_bytes() == b"ember" and capfd.readouterr().err == ""


def test_an_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        with written_aside(tmp_path / "f") as part:
            open(part, "wb").write(b"half")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_load_state_dict_from_url_caches_in_the_hub_folder(http_server: Server, home: Path, state: tuple,
                                                           capfd: pytest.CaptureFixture) -> None:
    data, weights = state
    name = f"tiny-{_sha256(data)[:8]}.pth"
    http_server.files[f"/{name}"] = data
    loaded = hub.load_state_dict_from_url(f"{http_server.url}/{name}", check_hash=True)
    assert list(loaded) == ["fc.weight", "fc.bias"] and isinstance(loaded["fc.weight"], ember.Tensor)
    np.testing.assert_array_equal(loaded["fc.weight"].numpy(), weights["fc.weight"].numpy())
    assert os.listdir(home / "checkpoints") == [name]
    assert f'Downloading: "{http_server.url}/{name}" to {home / "checkpoints" / name}' in capfd.readouterr().err
    hub.load_state_dict_from_url(f"{http_server.url}/{name}", check_hash=True)
    assert http_server.requests == [f"/{name}"] and "Downloading" not in capfd.readouterr().err


def test_load_state_dict_from_url_arguments(http_server: Server, tmp_path: Path, state: tuple) -> None:
    """torch.hub's signature: `model_dir`, `file_name`; `check_hash` off by default, and when on it
    reads the hash from `file_name`."""
    data, _ = state
    http_server.files["/tiny-00000000.pth"] = data
    url = f"{http_server.url}/tiny-00000000.pth"
    loaded = hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "d"), file_name="t.pth", progress=False)
    assert (tmp_path / "d" / "t.pth").read_bytes() == data and tuple(loaded["fc.bias"].shape) == (2,)
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "00000000"'):
        hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "e"), progress=False, check_hash=True)
    assert os.listdir(tmp_path / "e") == []


def test_a_file_already_there_is_not_requested(http_server: Server, home: Path, state: tuple) -> None:
    data, _ = state
    (home / "checkpoints").mkdir(parents=True)
    (home / "checkpoints" / "tiny-00000000.pth").write_bytes(data)
    loaded = hub.load_state_dict_from_url(f"{http_server.url}/tiny-00000000.pth", check_hash=True)
    assert tuple(loaded["fc.weight"].shape) == (2, 3) and http_server.requests == []


def test_get_dir_and_set_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "e"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "t"))
    assert hub.get_dir() == str(tmp_path / "e" / "hub")
    monkeypatch.delenv("EMBER_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert hub.get_dir() == str(tmp_path / "x" / "ember" / "hub")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert hub.get_dir() == str(Path.home() / ".cache" / "ember" / "hub")
    hub.set_dir(tmp_path / "mine")
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "e"))
    assert hub.get_dir() == str(tmp_path / "mine")
    hub.set_dir("~/elsewhere")
    assert hub.get_dir() == os.path.expanduser("~/elsewhere")


def test_import_ember_leaves_urllib_and_tqdm_unloaded() -> None:
    """`ember.hub` loads on first use; tqdm only when a bar is drawn."""
    code = ("import sys, ember; print(sorted({'ember.hub', 'urllib.request', 'tqdm'} & set(sys.modules)));"
            "ember.hub.get_dir(); print(sorted({'ember.hub', 'tqdm'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "['ember.hub']"]
