"""download=True against a local HTTP server on 127.0.0.1: mirrors, MD5s, truncated bodies, dead and
silent servers; a download either completes, checked, or leaves no file behind."""

import gzip
import io
import os
import socket
import tarfile
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

import ember
from ember.vision import datasets
from ember.vision.datasets import utils
from local_http import NetworkAccessError

from .datafiles import files_under, md5, mnist_gz_files, tar_gz, write_cifar


@pytest.fixture
def dead_url():
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def silent_url():
    """A port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}/"


def _serve_mnist(http_server, monkeypatch, mirrors, resources=None):
    gz, arrays = mnist_gz_files()
    http_server.files.update({f"/good/{name}": data for name, data in gz.items()})
    http_server.files.update({f"/bad/{name}": data[::-1] for name, data in gz.items()})
    monkeypatch.setattr(datasets.MNIST, "mirrors", mirrors)
    monkeypatch.setattr(datasets.MNIST, "resources", resources or [(n, md5(d)) for n, d in gz.items()])
    return gz, arrays


def test_mnist_downloads_checks_extracts_and_then_downloads_nothing(tmp_path, http_server, monkeypatch, capsys):
    gz, arrays = _serve_mnist(http_server, monkeypatch, [http_server.url + "/good/"])
    ds = datasets.MNIST(tmp_path, train=False, download=True)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["t10k-images-idx3-ubyte"])
    raw = [os.path.join("MNIST", "raw", name) for name in arrays]
    assert files_under(tmp_path) == sorted(raw + [name + ".gz" for name in raw])
    assert f"Downloading {http_server.url}/good/train-images-idx3-ubyte.gz" in capsys.readouterr().out
    served = len(http_server.requests)
    assert len(datasets.MNIST(tmp_path, train=True, download=True)) == 3
    assert len(http_server.requests) == served == 4


def test_a_bad_md5_on_every_mirror_leaves_nothing(tmp_path, http_server, monkeypatch, capsys):
    _serve_mnist(http_server, monkeypatch, [http_server.url + "/bad/"], [("train-labels-idx1-ubyte.gz", "0" * 32)])
    with pytest.raises(RuntimeError, match="^Error downloading train-labels-idx1-ubyte.gz$") as info:
        datasets.MNIST(tmp_path, download=True)
    assert "File not found or corrupted" in str(info.value.__cause__) and "expected 000" in str(info.value.__cause__)
    assert "Failed to download (trying next):\nFile not found or corrupted" in capsys.readouterr().out
    assert files_under(tmp_path) == []


def test_a_corrupt_mirror_falls_through_to_the_next(tmp_path, http_server, monkeypatch, capsys):
    gz, arrays = _serve_mnist(http_server, monkeypatch, [http_server.url + "/bad/", http_server.url + "/good/"])
    ds = datasets.MNIST(tmp_path, download=True)
    np.testing.assert_array_equal(ds.targets.numpy(), arrays["train-labels-idx1-ubyte"])
    assert capsys.readouterr().out.count("Failed to download (trying next)") == 4


def test_a_truncated_body_is_a_failed_download_that_leaves_nothing(tmp_path, http_server, monkeypatch, capsys):
    gz, _ = _serve_mnist(http_server, monkeypatch, [http_server.url + "/good/"])
    monkeypatch.setattr(datasets.MNIST, "resources", [("t10k-images-idx3-ubyte.gz", md5(gz["t10k-images-idx3-ubyte.gz"]))])
    http_server.truncated.add("/good/t10k-images-idx3-ubyte.gz")
    with pytest.raises(RuntimeError, match="Error downloading t10k-images-idx3-ubyte.gz") as info:
        datasets.MNIST(tmp_path, download=True)
    assert isinstance(info.value.__cause__, urllib.error.ContentTooShortError)
    assert "retrieval incomplete: got only" in capsys.readouterr().out
    assert files_under(tmp_path) == []
    with pytest.raises(urllib.error.ContentTooShortError):
        utils.download_url(http_server.url + "/good/t10k-images-idx3-ubyte.gz", tmp_path)
    assert files_under(tmp_path) == []


def test_a_dead_first_mirror_falls_through_to_a_good_second(tmp_path, http_server, monkeypatch, dead_url, capsys):
    _, arrays = _serve_mnist(http_server, monkeypatch, [dead_url, http_server.url + "/good/"])
    ds = datasets.MNIST(tmp_path, download=True)
    np.testing.assert_array_equal(ds.data.numpy(), arrays["train-images-idx3-ubyte"])
    out = capsys.readouterr().out
    assert out.count("Failed to download (trying next):") == 4 and "Connection refused" in out


def test_a_server_that_never_answers_times_out_and_leaves_nothing(tmp_path, monkeypatch, silent_url, capsys):
    monkeypatch.setattr(ember._download, "TIMEOUT_S", 0.3)
    monkeypatch.setattr(datasets.MNIST, "mirrors", [silent_url])
    monkeypatch.setattr(datasets.MNIST, "resources", [("t10k-labels-idx1-ubyte.gz", "0" * 32)])
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="Error downloading t10k-labels-idx1-ubyte.gz") as info:
        datasets.MNIST(tmp_path, download=True)
    assert time.monotonic() - start < 5
    assert isinstance(info.value.__cause__, urllib.error.URLError) and "timed out" in str(info.value.__cause__)
    assert files_under(tmp_path) == []


def test_cifar_downloads_and_extracts_the_archive_once(tmp_path, http_server, monkeypatch, capsys):
    written, _ = write_cifar(str(tmp_path / "source"), datasets.CIFAR10, monkeypatch)
    archive = tar_gz(str(tmp_path / "source" / "cifar-10-batches-py"), "cifar-10-batches-py")
    http_server.files["/cifar-10-python.tar.gz"] = archive
    monkeypatch.setattr(datasets.CIFAR10, "url", http_server.url + "/cifar-10-python.tar.gz")
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", md5(archive))
    root = tmp_path / "root"
    ds = datasets.CIFAR10(str(root), train=False, download=True)
    assert ds.targets == written["test_batch"][1]
    assert files_under(root) == ["cifar-10-batches-py/batches.meta", "cifar-10-batches-py/data_batch_1",
                                 "cifar-10-batches-py/data_batch_2", "cifar-10-batches-py/test_batch",
                                 "cifar-10-python.tar.gz"]
    datasets.CIFAR10(str(root), download=True)
    assert "Files already downloaded and verified" in capsys.readouterr().out and len(http_server.requests) == 1


def test_cifar_archive_with_a_bad_md5_leaves_nothing(tmp_path, http_server, monkeypatch):
    http_server.files["/c.tar.gz"] = b"not the archive"
    monkeypatch.setattr(datasets.CIFAR10, "url", http_server.url + "/c.tar.gz")
    with pytest.raises(RuntimeError, match="^File not found or corrupted"):
        datasets.CIFAR10(tmp_path, download=True)
    assert files_under(tmp_path) == []


def test_download_url_skips_a_file_already_there_and_follows_no_other_host(tmp_path, http_server):
    http_server.files["/a.bin"] = b"abc"
    utils.download_url(http_server.url + "/a.bin", tmp_path, md5=md5(b"abc"))
    utils.download_url(http_server.url + "/a.bin", tmp_path, md5=md5(b"abc"))
    assert (tmp_path / "a.bin").read_bytes() == b"abc" and http_server.requests == ["/a.bin"]
    assert utils.check_integrity(tmp_path / "a.bin", md5(b"abc")) and not utils.check_integrity(tmp_path / "a.bin", "0")
    with pytest.raises(NetworkAccessError):
        urllib.request.urlopen("http://192.0.2.1/", timeout=1)
    with pytest.raises(NetworkAccessError):
        urllib.request.urlopen("http://example.com/", timeout=1)


def test_extraction_writes_aside_and_refuses_paths_out_of_the_folder(tmp_path):
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"x" * 1000)[:-10])
    with pytest.raises(EOFError):
        utils.extract_archive(tmp_path / "bad.gz")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("ok/a.txt", "../escaped.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"hi"))
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "evil.tar.gz").write_bytes(buffer.getvalue())
    with pytest.raises(tarfile.FilterError):
        utils.extract_archive(tmp_path / "inner" / "evil.tar.gz")
    assert files_under(tmp_path) == ["bad.gz", "inner/evil.tar.gz"]

