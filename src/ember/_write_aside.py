"""Writing a file so that a failure half way (a full disk, an error, an interrupted download)
never leaves a broken file where a good one was, or a partial one where there was none: write a
hidden file beside the target, then rename it over the target.

Every file ember writes goes this way: `ember.save`, downloads (`ember.hub`, datasets) and
extracted archives."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from typing import Iterator


@contextlib.contextmanager
def written_aside(path: "str | os.PathLike[str]") -> Iterator[str]:
    """A new hidden file's path in the target's folder, to write in the block: renamed over the
    target when the block ends, removed if it raises (KeyboardInterrupt too), leaving the target
    as it was. A symbolic link is followed (the link stays, its target gets the new content); an
    existing file's permission bits carry over; a new file gets the usual 0o666 less the umask."""
    target = os.path.realpath(os.path.expanduser(os.fspath(path)))
    folder, name = os.path.split(target)
    aside = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.part")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    os.close(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield aside
        if mode is not None:
            os.chmod(aside, mode)
        os.replace(aside, target)
    finally:
        if os.path.exists(aside):
            os.unlink(aside)
