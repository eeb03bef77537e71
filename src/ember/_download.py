"""Every download of ember, a checkpoint's (`ember.hub`) or a dataset's
(`ember.vision.datasets.utils`): the body streams into a hidden file beside its destination
(with a tqdm bar on stderr; tqdm is imported only to draw one), is checked, and only then is
renamed into place. A failed, truncated, corrupt or interrupted download leaves nothing behind,
and a server silent for `TIMEOUT_S` seconds fails it."""

from __future__ import annotations

import contextlib
import http.client
import os
import urllib.error
import urllib.request
from typing import Any, Callable, Optional, Union

from ._write_aside import written_aside

READ_DATA_CHUNK = 128 * 1024
TIMEOUT_S = 30.0  # seconds a download may wait on the server before it fails; tests shorten it
_USER_AGENT = "ember.hub"


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
    connection, no answer within `TIMEOUT_S`, HTTP error, a body shorter than its
    Content-Length, more than `max_redirect_hops` redirects) raises `URLError`."""
    redirects = urllib.request.HTTPRedirectHandler()
    redirects.max_redirections = max_redirect_hops
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response, open(path, "wb") as fh:
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


def download(url: str, dst: Union[str, "os.PathLike[str]"], progress: bool = True, max_redirect_hops: int = 3,
             check: Optional[Callable[[str], None]] = None) -> None:
    """Stream `url` to a hidden file beside `dst`, let `check` (given that file's path) raise to
    refuse it, then rename it to `dst`. On any failure nothing is left behind."""
    with written_aside(dst) as part:
        _stream(url, part, progress, max_redirect_hops)
        if check is not None:
            check(part)


def hash_file(path: Union[str, "os.PathLike[str]"], hasher: Any, chunk_size: int = READ_DATA_CHUNK) -> str:
    """The hex digest of the file at `path` by `hasher` (a fresh `hashlib` object), read in chunks."""
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            hasher.update(chunk)
    return hasher.hexdigest()
