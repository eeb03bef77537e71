"""Downloading, checking and unpacking dataset files, as `torchvision.datasets.utils`.

A download is `ember._download`'s, as `ember.hub`'s: written beside its destination under a hidden temporary name,
checked (here against its MD5), then renamed into place; an extraction is written aside and
renamed the same way. So a file under its final name is always whole: a failed, truncated or
interrupted download leaves nothing.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import hashlib
import lzma
import os
import shutil
import tarfile
import tempfile
import zipfile
from typing import IO, Any, Callable, Optional, Union

from ..._download import download, hash_file
from ..._write_aside import written_aside

PathLike = Union[str, "os.PathLike[str]"]


class _ChecksumError(RuntimeError):
    """A downloaded file's MD5 is not the expected one (a mirror loop tries the next mirror)."""


def calculate_md5(fpath: PathLike, chunk_size: int = 1024 * 1024) -> str:
    """The hex MD5 digest of the file at `fpath`, read in chunks."""
    return hash_file(fpath, hashlib.md5(usedforsecurity=False), chunk_size)


def check_md5(fpath: PathLike, md5: str, **kwargs: Any) -> bool:
    """Whether the file at `fpath` has the MD5 digest `md5`."""
    return md5 == calculate_md5(fpath, **kwargs)


def _check_md5(url: str, md5: str, fpath: str) -> None:
    """Refuse the file downloaded from `url` to `fpath` unless its MD5 digest is `md5`."""
    actual = calculate_md5(fpath)
    if actual != md5:
        raise _ChecksumError(f"File not found or corrupted. {url} has MD5 {actual}, expected {md5}")


def check_integrity(fpath: PathLike, md5: Optional[str] = None) -> bool:
    """Whether `fpath` is a file and, if `md5` is given, has that MD5 digest."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


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
    check = None if md5 is None else functools.partial(_check_md5, url, md5)
    download(url, fpath, max_redirect_hops=max_redirect_hops, check=check)


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
        with written_aside(target) as part, _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as src, \
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
