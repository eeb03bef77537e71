"""The harness's error-input check: an error must have torch's type and match torch's regex; a
warning type is met by a matching warning; an accepted input or another message is reported."""

import warnings

import pytest

from torch_db.convert import Unconvertible
from torch_db.error_inputs import _expect, _raises
from torch_db.outcome import Failure


def _fail(message: str) -> None:
    raise ValueError(message)


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning)


def test_type_and_message_must_match() -> None:
    assert _raises(lambda: _fail("eps must be positive"), ValueError, "eps must be") == ""
    assert "does not match" in _raises(lambda: _fail("bad eps"), ValueError, "eps must be")
    assert _raises(lambda: None, ValueError, "") == "accepts it"
    assert "TypeError" in _raises(lambda: int([]), ValueError, "")


def test_warning_types_are_met_by_warnings() -> None:
    assert _raises(lambda: _warn("a parameter group with duplicate parameters"), UserWarning, "duplicate") == ""
    assert _raises(lambda: None, UserWarning, "duplicate") == "accepts it without a warning"


def test_expect_reports_ember_and_passes_over_what_torch_accepts() -> None:
    with pytest.raises(Failure, match="ember accepts it"):
        _expect(lambda: _fail("x"), lambda: None, ValueError, "x", "error input 0")
    _expect(lambda: None, lambda: None, ValueError, "x", "error input 0")  # torch's own slip

    def unconvertible() -> None:
        raise Unconvertible("complex")

    _expect(lambda: _fail("x"), unconvertible, ValueError, "x", "error input 0")
