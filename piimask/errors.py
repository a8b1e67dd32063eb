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

__all__ = ["DEBUG_ENV", "PiiMaskError", "Refused", "UsageError", "describe", "guarded", "report_error"]

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
            f"internal error ({describe(exc)}); nothing was published. Re-run with "
            f"{DEBUG_ENV}=1 (on Glue: the job argument --piimask-debug true) to see the traceback "
            "(it may contain data values)."
        )
        return 2


def describe(exc: BaseException) -> str:
    """The error's class and, for an error from the JVM or AWS, the root Java class and the AWS
    error code and HTTP status: what names the failure without its message (which may hold a
    value, a path or a key). ``Py4JJavaError`` alone says nothing on Glue."""
    parts = [type(exc).__name__]
    response = getattr(exc, "response", None)  # botocore's ClientError
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        parts += [f"AWS error {code}" if code else "", f"HTTP {status}" if status else ""]
    cause, seen = getattr(exc, "java_exception", None), 0
    while cause is not None and seen < 12:
        try:
            parts.append(str(cause.getClass().getName()))
        except Exception:  # the JVM is gone: the Python class is all there is
            break
        try:  # the AWS SDK's AmazonServiceException (S3A's errors carry one as a cause)
            parts += [f"AWS error {cause.getErrorCode()}", f"HTTP {cause.getStatusCode()}"]
        except Exception:
            pass  # not an AWS service error: it has no such methods
        cause, seen = cause.getCause(), seen + 1
    unique = list(dict.fromkeys(p for p in parts if p))
    return ", ".join(unique)
