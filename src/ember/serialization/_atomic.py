"""Writing a file so that a failure half way (a full disk, an error while writing) never leaves a
broken file where a good one was: write beside the target, then rename over it."""

from __future__ import annotations

import os
import secrets
import stat
from typing import IO, Callable


def write_aside(path: "str | os.PathLike[str]", write: Callable[[IO[bytes]], None]) -> None:
    """Run `write` on a new file in the target's folder and rename it over the target once it
    returns; if it raises, remove the new file and leave the target as it was. A symbolic link
    is followed (the link stays, its target gets the new content), and an existing file's
    permission bits carry over; a new file gets the usual 0o666 less the umask."""
    target = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(target)
    aside = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
        if mode is not None:
            os.chmod(aside, mode)
        os.replace(aside, target)
    except BaseException:
        os.unlink(aside)
        raise
