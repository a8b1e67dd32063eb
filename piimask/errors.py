"""One error hierarchy, and how any error becomes one paragraph on stderr and an exit code.

Every error the kit raises derives from ``PiiMaskError`` through one of two kinds:

* ``Refused`` (exit 1): the input, rubric, keyring or output breaks a rule; nothing was done.
* ``UsageError`` (exit 2): a flag, path or service is wrong or unreachable; fix it and re-run.

Modules define their own subclasses beside the code that raises them (``RubricError``,
``KeyringError``, ``VerifyError``...). A message never holds a data value or key material.
``guarded`` is the one place that turns errors into exit codes: it catches the base class, and
anything else is an internal error whose traceback is shown only on request.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable

__all__ = ["PiiMaskError", "Refused", "UsageError", "guarded", "report_error"]

DEBUG_ENV = "PIIMASK_DEBUG"


class PiiMaskError(Exception):
    """Base of every error the kit raises on purpose; ``exit_code`` comes from the kind."""

    exit_code = 1


class Refused(PiiMaskError):
    """A rule was broken (by the input, rubric, keyring or output): exit 1."""

    exit_code = 1


class UsageError(PiiMaskError):
    """A flag, path or service is wrong or unreachable: exit 2."""

    exit_code = 2


def report_error(message: str) -> None:
    """One wrapped paragraph on stderr."""
    text = " ".join(str(message).split())
    print(textwrap.fill("error: " + text, width=100), file=sys.stderr)


def guarded(fn: Callable[[], int | None]) -> int:
    """Call ``fn()``; turn any error into one paragraph on stderr and an exit code."""
    try:
        return int(fn() or 0)
    except KeyboardInterrupt:
        report_error("interrupted; nothing was published.")
        return 2
    except PiiMaskError as exc:
        report_error(str(exc))
        return exc.exit_code
    except Exception as exc:  # not ours: an internal error, shown without its message
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        report_error(
            f"internal error ({type(exc).__name__}); nothing was published. Re-run with "
            f"{DEBUG_ENV}=1 to see the traceback (it may contain data values)."
        )
        return 2
