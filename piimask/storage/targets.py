"""Where a run may write: refuse a location it would destroy or cannot write, before any work.

A run replaces ``--output`` as a whole. That is safe for a previous output of the kit (it holds
``_audit/``) and for an empty or absent folder; anything else (a regular file, a folder of other
data) would be deleted without a word, so it is refused. A location the run cannot write fails
now with its name, not after the whole job with a Java stack trace. Staging folders that a
killed run left behind (hidden, never read) are removed once they are old enough that no live
run can still own them.
"""

from __future__ import annotations

import logging
import posixpath
import time

from piimask.errors import Refused, UsageError
from piimask.storage.audit import AUDIT_DIR
from piimask.storage.fs import Storage
from piimask.storage.paths import local_part

__all__ = ["check_output_target", "check_writable"]

log = logging.getLogger("piimask.storage")


class OutputTargetError(Refused):
    """``--output`` names something the run would destroy (exit 1)."""


class NotWritableError(UsageError):
    """A location the run must write to cannot be written (exit 2)."""


def check_output_target(store: Storage, output: str) -> None:
    """Refuse an ``--output`` that is a file, or a non-empty folder that is not a kit output."""
    if not store.exists(output):
        return
    if not store.is_dir(output):
        raise OutputTargetError(
            f"--output {output} is an existing file; the run replaces --output as a whole, so it "
            "would be deleted. Nothing was done. Name a folder (new, empty, or a previous output "
            "of pii-mask run)."
        )
    names = [n for n in store.list(output) if not n.startswith(".")]
    if names and AUDIT_DIR not in names:
        raise OutputTargetError(
            f"--output {output} is a folder holding other data (no {AUDIT_DIR}/ record of a "
            "pii-mask run); the run replaces --output as a whole, so its contents would be "
            "deleted. Nothing was done. Name a new or empty folder, or a previous output of "
            "pii-mask run."
        )


def check_writable(store: Storage, label: str, folder: str) -> None:
    """Create and remove a hidden probe in ``folder`` (or, while it does not exist yet, in its
    nearest existing ancestor, so a refused run leaves no new folder); refuse now if that fails."""
    probe_in = folder.rstrip("/") or "/"
    # An object store has no folders to leave behind, and a job role may write only below its
    # prefixes: probe there. A local folder that does not exist yet: probe its nearest ancestor.
    while (
        local_part(probe_in) is not None
        and not store.exists(probe_in)
        and posixpath.dirname(probe_in) not in ("", probe_in)
    ):
        probe_in = posixpath.dirname(probe_in)
    probe = posixpath.join(probe_in, f".piimask-probe-{time.time_ns()}")
    try:
        store.write_text(probe, "")
        store.delete(probe)
    except Exception as exc:  # Py4J wraps the Java IOException; its text may name other paths
        raise NotWritableError(
            f"{label} location {folder} cannot be written ({type(exc).__name__}): check that it "
            "exists or can be created, and that this user may write there (not a read-only "
            "mount or folder). Nothing was done."
        ) from None
