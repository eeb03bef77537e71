"""torch.hub for ember: the cache folder, a checked download, and a checkpoint loaded by its URL.

    state = ember.hub.load_state_dict_from_url("https://download.pytorch.org/models/resnet18-f37072fd.pth")

The cache folder, `get_dir()`, is the one `set_dir` chose, else

    $EMBER_HOME/hub                 when EMBER_HOME is set,
    $XDG_CACHE_HOME/ember/hub       else when XDG_CACHE_HOME is set,
    ~/.cache/ember/hub              otherwise.

TORCH_HOME is not read: ember keeps its own cache and never writes into torch's. The layout is
torch's (`<home>/hub/checkpoints/<file>`), so `EMBER_HOME=$TORCH_HOME` (or `~/.cache/torch`)
shares the files torch already downloaded.

Every download of ember, a checkpoint's here or a dataset's (`ember.vision.datasets.utils`), is
this module's: the body streams into a hidden temporary file beside its destination (with a tqdm
bar on stderr; tqdm is imported only to draw one), is checked, and only then is renamed into
place. A failed, truncated, corrupt or interrupted download leaves nothing behind, and a server
silent for `_TIMEOUT_S` seconds fails it.

Not here: torch.hub's `load`, `list` and `help`, which download a GitHub repository and run its
`hubconf.py`. ember fetches weights and data, never code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import os
import re
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable, Iterator, Optional, Union
from urllib.parse import urlparse

from . import serialization

__all__ = ["download_url_to_file", "get_dir", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
READ_DATA_CHUNK = 128 * 1024
_TIMEOUT_S = 30.0  # seconds a download may wait on the server before it fails; tests shorten it
_USER_AGENT = "ember.hub"
_hub_dir: Optional[str] = None


def get_dir() -> str:
    """The hub cache folder: the one `set_dir` chose, else $EMBER_HOME/hub,
    $XDG_CACHE_HOME/ember/hub or ~/.cache/ember/hub."""
    if _hub_dir is not None:
        return _hub_dir
    home = os.environ.get("EMBER_HOME")
    if home is None:
        home = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "ember")
    return os.path.join(os.path.expanduser(home), "hub")


def set_dir(d: Union[str, "os.PathLike[str]"]) -> None:
    """Make `d` the hub cache folder for the rest of the process (EMBER_HOME is then ignored)."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


@contextlib.contextmanager
def _written_aside(path: Union[str, "os.PathLike[str]"]) -> Iterator[str]:
    """A hidden temporary path beside `path` to write: renamed onto `path` when the block ends,
    removed if it raises (even on KeyboardInterrupt)."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    part = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.part")
    open(part, "xb").close()  # the umask's permissions, where mkstemp's 0600 would stick to the result
    try:
        yield part
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.remove(part)


class _NoBar:
    def update(self, n: int) -> None:
        """Nothing to show."""


def _progress_bar(total: Optional[int], enabled: bool) -> Any:
    """A tqdm bar counting bytes on stderr, or a silent stand-in when `enabled` is False or tqdm
    (the `vision` extra) is not installed."""
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)
    return contextlib.nullcontext(_NoBar())


def _stream(url: str, path: str, progress: bool, max_redirect_hops: int) -> None:
    """Write the body at `url` to the file `path`. Every failure of the transfer (refused
    connection, no answer within `_TIMEOUT_S`, HTTP error, a body shorter than its
    Content-Length, more than `max_redirect_hops` redirects) raises `URLError`."""
    redirects = urllib.request.HTTPRedirectHandler()
    redirects.max_redirections = max_redirect_hops
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with opener.open(request, timeout=_TIMEOUT_S) as response, open(path, "wb") as fh:
            expected, received = response.length, 0
            with _progress_bar(expected, progress) as bar:
                while chunk := response.read(READ_DATA_CHUNK):
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


def _download(url: str, dst: Union[str, "os.PathLike[str]"], progress: bool = True, max_redirect_hops: int = 3,
              check: Optional[Callable[[str], None]] = None) -> None:
    """Stream `url` to a temporary file beside `dst`, let `check` (given that file's path) raise
    to refuse it, then rename it to `dst`. On any failure nothing is left behind."""
    with _written_aside(os.path.expanduser(dst)) as part:
        _stream(url, part, progress, max_redirect_hops)
        if check is not None:
            check(part)


def _hash_file(path: Union[str, "os.PathLike[str]"], hasher: Any, chunk_size: int = READ_DATA_CHUNK) -> str:
    """The hex digest of the file at `path` by `hasher` (a fresh `hashlib` object), read in chunks."""
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            hasher.update(chunk)
    return hasher.hexdigest()


def _check_hash_prefix(url: str, hash_prefix: str, path: str) -> None:
    """Refuse the file at `path` unless its sha256 starts with `hash_prefix`."""
    digest = _hash_file(path, hashlib.sha256())
    if not digest.startswith(hash_prefix):
        raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}"): {url} is corrupt or '
                           "not the published file; nothing was saved, try again")


def download_url_to_file(url: str, dst: str, hash_prefix: Optional[str] = None, progress: bool = True) -> None:
    """Download `url` to the path `dst` (a tqdm bar on stderr when `progress`). With
    `hash_prefix`, the file's sha256 must start with it, else RuntimeError ("invalid hash
    value ..."). The body is written aside and renamed when complete: on failure `dst` is
    untouched and no file is left behind.

        >>> ember.hub.download_url_to_file("https://download.pytorch.org/models/resnet18-f37072fd.pth", "/tmp/r18.pth")
    """
    check = None if hash_prefix is None else functools.partial(_check_hash_prefix, url, hash_prefix)
    _download(url, dst, progress, check=check)


def load_state_dict_from_url(url: str, model_dir: Optional[str] = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False, file_name: Optional[str] = None,
                             weights_only: bool = True) -> Any:
    """The object `ember.load` reads from the file `url` names, downloaded into `model_dir`
    (default `get_dir()/checkpoints`) unless a file of that name (`file_name`, default the URL's
    basename) is already there. `check_hash` checks a new download against the hash in its file
    name (`resnet18-f37072fd.pth`: its sha256 starts with `f37072fd`). Unlike torch.hub,
    `weights_only` defaults to True: a downloaded file is untrusted input."""
    folder = model_dir if model_dir is not None else os.path.join(get_dir(), "checkpoints")
    os.makedirs(folder, exist_ok=True)
    cached = os.path.join(folder, file_name or os.path.basename(urlparse(url).path))
    if not os.path.exists(cached):
        sys.stderr.write(f'Downloading: "{url}" to {cached}\n')
        match = HASH_REGEX.search(os.path.basename(cached)) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    return serialization.load(cached, map_location=map_location, weights_only=weights_only)
