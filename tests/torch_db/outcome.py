"""The outcome of one database entry, and the guard that turns any failure into one."""

import contextlib
import signal
import warnings
from dataclasses import dataclass
from typing import Callable, Iterator

PASS, FAIL, MISSING, OUT_OF_SCOPE = "pass", "fail", "missing", "out of scope"
STATUSES = (PASS, FAIL, MISSING, OUT_OF_SCOPE)

# An entry that computes longer than this (CPU seconds, so that a loaded machine does not turn a
# slow entry into a failure) is a failure, not a hang; the slowest entries take about 5 s.
TIME_LIMIT_S = 30


@dataclass(frozen=True)
class Outcome:
    """`status` of the entry `name`; `detail` is the reason (out of scope), the first failing
    sample and what failed (fail), or what is missing."""

    name: str
    status: str
    detail: str = ""


class Failure(Exception):
    """A sample ember does not match torch on: `sample` describes it, the message says how."""

    def __init__(self, sample: str, reason: str) -> None:
        super().__init__(f"{sample}: {reason}")


def summary(error: BaseException) -> str:
    """One short line: the exception's type and the first line of its message."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    line = f"{type(error).__name__}: {text}" if not isinstance(error, (AssertionError, Failure)) else text
    return line if len(line) <= 240 else line[:237] + "..."


class _TimeLimit(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in ember swallows it."""


@contextlib.contextmanager
def guarded(seconds: int = TIME_LIMIT_S) -> Iterator[None]:
    """Run the block with warnings silenced and an alarm after `seconds` of CPU time (TimeoutError)."""

    def _alarm(signum: int, frame: object) -> None:
        raise _TimeLimit()

    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except _TimeLimit:
        raise TimeoutError(f"took more than {seconds} s of CPU time") from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def judged(name: str, check: Callable[[], None]) -> Outcome:
    """`name` passes when `check()` returns, and fails with the summary of whatever it raises: a
    crash inside ember is a failure of that entry, never of the harness."""
    try:
        with guarded():
            check()
    except Exception as error:
        return Outcome(name, FAIL, summary(error))
    return Outcome(name, PASS)
