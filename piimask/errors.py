"""The one base error every command turns into a one-paragraph message and an exit code."""

from __future__ import annotations

__all__ = ["PiiMaskError"]


class PiiMaskError(Exception):
    """A refusal (exit 1) or a usage / I/O problem (exit 2); the message never holds a value."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
