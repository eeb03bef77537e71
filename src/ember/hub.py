"""torch.hub for ember: the cache folder, a checked download, and a checkpoint loaded by its URL.

    state = ember.hub.load_state_dict_from_url("https://download.pytorch.org/models/resnet18-f37072fd.pth")

The cache folder, `get_dir()`, is the one `set_dir` chose, else

    $EMBER_HOME/hub                 when EMBER_HOME is set,
    $XDG_CACHE_HOME/ember/hub       else when XDG_CACHE_HOME is set,
    ~/.cache/ember/hub              otherwise.

TORCH_HOME is not read: ember keeps its own cache and never writes into torch's. The layout is
torch's (`<home>/hub/checkpoints/<file>`), so `EMBER_HOME=$TORCH_HOME` (or `~/.cache/torch`)
shares the files torch already downloaded.

A download streams into a hidden file beside its destination (with a tqdm bar on stderr), is
checked, and only then is renamed into place (`ember._download`, shared with the datasets): a
failed, truncated, corrupt or interrupted download leaves nothing behind.

Not here: torch.hub's `load`, `list` and `help`, which download a GitHub repository and run its
`hubconf.py`. ember fetches weights and data, never code.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from typing import Any, Optional, Union
from urllib.parse import urlparse

from . import serialization
from ._download import download, hash_file

__all__ = ["download_url_to_file", "get_dir", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
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


def _check_hash_prefix(url: str, hash_prefix: str, path: str) -> None:
    """Refuse the file at `path` unless its sha256 starts with `hash_prefix`."""
    digest = hash_file(path, hashlib.sha256())
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
    download(url, dst, progress, check=check)


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
