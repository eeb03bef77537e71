"""Downloading, checking and unpacking dataset files, as `torchvision.datasets.utils`.

A download is written beside its destination under a hidden temporary name, checked against its
MD5, then renamed into place; an extraction is written aside and renamed the same way. So a file
under its final name is always whole: a failed, truncated or interrupted download leaves nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import bz2
import hashlib
import http.client
import lzma
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from typing import IO, Any, Callable, Iterator, Optional, Union

PathLike = Union[str, "os.PathLike[str]"]

USER_AGENT = "ember/vision"
_TIMEOUT_S = 30.0  # seconds a download may wait on the server before it fails; tests shorten it
_CHUNK = 1024 * 32


class _ChecksumError(RuntimeError):
    """A downloaded file's MD5 is not the expected one (a mirror loop tries the next mirror)."""


def calculate_md5(fpath: PathLike, chunk_size: int = 1024 * 1024) -> str:
    """The hex MD5 digest of the file at `fpath`, read in chunks."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: PathLike, md5: str, **kwargs: Any) -> bool:
    """Whether the file at `fpath` has the MD5 digest `md5`."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath: PathLike, md5: Optional[str] = None) -> bool:
    """Whether `fpath` is a file and, if `md5` is given, has that MD5 digest."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


@contextlib.contextmanager
def _written_aside(fpath: PathLike) -> Iterator[str]:
    """A temporary path beside `fpath` to write: renamed onto `fpath` when the block ends, removed
    if it raises (even on KeyboardInterrupt)."""
    folder, name = os.path.split(os.fspath(fpath))
    fd, part = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".part")
    os.close(fd)
    try:
        yield part
        os.replace(part, fpath)
    finally:
        if os.path.exists(part):
            os.remove(part)


def _progress_bar(total: Optional[int]) -> Any:
    """A tqdm bar counting bytes, or a silent stand-in where tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return contextlib.nullcontext(_NoBar())
    return tqdm(total=total, unit="B", unit_scale=True)


class _NoBar:
    def update(self, n: int) -> None:
        """Nothing to show."""


def _urlretrieve(url: str, filename: PathLike, max_redirect_hops: int = 3) -> None:
    """Write the body at `url` to `filename`. Every failure (refused connection, no answer within
    `_TIMEOUT_S`, HTTP error, a body shorter than its Content-Length) raises `URLError`."""
    redirects = urllib.request.HTTPRedirectHandler()
    redirects.max_redirections = max_redirect_hops
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=_TIMEOUT_S) as response, open(filename, "wb") as fh:
            expected, received = response.length, 0
            with _progress_bar(expected) as bar:
                while chunk := response.read(_CHUNK):
                    fh.write(chunk)
                    bar.update(len(chunk))
                    received += len(chunk)
    except urllib.error.URLError:
        raise
    except (OSError, http.client.HTTPException) as e:
        raise urllib.error.URLError(f"{type(e).__name__}: {e} ({url})") from e
    if expected is not None and received < expected:
        raise urllib.error.ContentTooShortError(
            f"retrieval incomplete: got only {received} out of {expected} bytes from {url}", None)


def download_url(url: str, root: PathLike, filename: Optional[PathLike] = None, md5: Optional[str] = None,
                 max_redirect_hops: int = 3) -> None:
    """Download `url` to `root/filename` (the URL's basename by default), unless a file with the
    right `md5` is already there. The body is written aside, checked, then renamed into place.

    Raises `URLError` when the download fails and `RuntimeError` ("File not found or corrupted.")
    when its MD5 is not `md5`; either way nothing is left at `root/filename`."""
    root = os.path.expanduser(root)
    fpath = os.path.join(root, filename or os.path.basename(url))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    with _written_aside(fpath) as part:
        _urlretrieve(url, part, max_redirect_hops)
        if md5 is not None and not check_md5(part, md5):
            raise _ChecksumError(f"File not found or corrupted. {url} has MD5 {calculate_md5(part)}, "
                                 f"expected {md5}")


def _extract_tar(from_path: str, to_path: str, compression: Optional[str]) -> None:
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        tar.extractall(to_path, filter="data")  # refuses absolute paths, "..", devices and links out


def _extract_zip(from_path: str, to_path: str, compression: Optional[str]) -> None:
    with zipfile.ZipFile(from_path) as archive:
        archive.extractall(to_path)


_ARCHIVE_EXTRACTORS: dict[str, Callable[[str, str, Optional[str]], None]] = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS: dict[str, Callable[..., IO[bytes]]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tgz": (".tar", ".gz"), ".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2")}


def _detect_file_type(file: PathLike) -> tuple[str, Optional[str], Optional[str]]:
    """(suffix, archive type, compression) of `file` from its name, e.g. (".tar.gz", ".tar", ".gz")."""
    name = os.path.basename(os.fspath(file))
    stem, suffix = os.path.splitext(name)
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        inner = os.path.splitext(stem)[1]
        if inner in _ARCHIVE_EXTRACTORS:
            return inner + suffix, inner, suffix
        return suffix, None, suffix
    known = sorted({*_FILE_TYPE_ALIASES, *_ARCHIVE_EXTRACTORS, *_COMPRESSED_FILE_OPENERS})
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{known}'.")


def _move_into(source: str, destination: str) -> None:
    """Move every entry of folder `source` into folder `destination`, merging folders."""
    for name in os.listdir(source):
        src, dst = os.path.join(source, name), os.path.join(destination, name)
        if os.path.isdir(src) and os.path.isdir(dst):
            _move_into(src, dst)
        else:
            os.replace(src, dst)


def extract_archive(from_path: PathLike, to_path: Optional[PathLike] = None, remove_finished: bool = False) -> str:
    """Extract the archive or compressed file `from_path` (type from its name: .tar, .tar.gz, .tgz,
    .zip, .gz, .bz2, .xz, ...) into the folder `to_path` (by default `from_path`'s folder), and
    return that folder (for a compressed file, the path of the decompressed file).

    Everything is written aside first and renamed into place, so a corrupt archive leaves no
    partial output. `remove_finished` deletes `from_path` afterwards."""
    from_path = os.fspath(from_path)
    to_path = os.fspath(to_path) if to_path is not None else os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if archive_type is None:
        target = os.path.join(to_path, os.path.basename(from_path)[: -len(suffix)])
        with _written_aside(target) as part, _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as src, \
                open(part, "wb") as dst:
            shutil.copyfileobj(src, dst)
        result = target
    else:
        os.makedirs(to_path, exist_ok=True)
        staging = tempfile.mkdtemp(dir=to_path, prefix=".extracting.")
        try:
            _ARCHIVE_EXTRACTORS[archive_type](from_path, staging, compression)
            _move_into(staging, to_path)
        finally:
            shutil.rmtree(staging)
        result = to_path
    if remove_finished:
        os.remove(from_path)
    return result


def download_and_extract_archive(url: str, download_root: PathLike, extract_root: Optional[PathLike] = None,
                                 filename: Optional[PathLike] = None, md5: Optional[str] = None,
                                 remove_finished: bool = False) -> None:
    """`download_url` then `extract_archive` into `extract_root` (by default `download_root`)."""
    download_root = os.path.expanduser(download_root)
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root or download_root, remove_finished)
