"""One staged transaction: stage -> act -> record -> publish, or nothing visible changes.

The job, ``erase`` and ``retention`` all change published datasets the same way: they write
every new dataset to a hidden staging location, write their record, then publish (rename or
swap) in a fixed order. ``StagedTransaction`` owns that skeleton: the staging locations it hands
out are removed when the block ends, whatever happens; on failure the failure record is logged
(outcome ``failed`` and the error's class, never its message) and an error that is not the kit's
own is turned into a ``PiiMaskError`` by the caller's ``explain``.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from piimask.errors import PiiMaskError
from piimask.storage.audit import log_record, utc_now
from piimask.storage.fs import Storage

__all__ = ["ORPHAN_AGE", "StagedTransaction", "inside", "orphaned"]

log = logging.getLogger("piimask.storage")


def inside(root: str, label: str, run_id: str) -> str:
    """A hidden location inside ``root``: ``ROOT/.LABEL-RUN`` (Spark never reads dot-folders).

    Every stage sits inside the dataset it changes, never beside it: on S3 a role is granted a
    prefix (``output/*``), and a stage beside the output (at the bucket root) is outside it."""
    return posixpath.join(root, f".{label}-{run_id}")


# A stage left by a run that died (killed, timed out) holds rows no command lists:
# the next transaction on the dataset removes it once it is older than the longest Glue run
# (2880 minutes) plus a margin, so a stage of a run still in progress is never touched.
ORPHAN_AGE = timedelta(hours=50)
# Trash (``.previous``) is never swept: it may hold the only copy of what a killed swap moved
# aside; Storage.finish_publications completes the swaps it knows how to.
_STAGE_NAME = re.compile(r"^\.[a-z]+-(\d{8}T\d{6}Z)-[0-9a-f]+$")


def orphaned(names: list[str], now: datetime, older_than: timedelta = ORPHAN_AGE) -> list[str]:
    """The names among ``names`` that are stages started before ``now - older_than``."""
    found = []
    for name in names:
        m = _STAGE_NAME.match(name)
        if m and datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) < now - older_than:
            found.append(name)
    return found


class StagedTransaction:
    """A context manager around one change of published datasets.

    ``failure_record`` is the audit record's skeleton logged if the block fails; ``explain``
    turns an unexpected error (not a ``PiiMaskError``) into one, given what was already
    published (``self.published``), or returns None to let it through as an internal error.
    """

    def __init__(
        self,
        store: Storage,
        failure_record: dict,
        explain: Callable[[BaseException, list[str]], PiiMaskError | None] | None = None,
    ):
        self.store = store
        self.failure_record = failure_record
        self.explain = explain
        self.published: list[str] = []  # final locations changed so far, in order
        self._stages: list[str] = []
        self._made: list[str] = []  # datasets that did not exist before a stage was put inside
        self.failed = False

    # -- staging

    def stage(self, path: str) -> str:
        """Register ``path`` as a staging location (emptied now, removed when the block ends)."""
        self.store.delete(path)
        parent = posixpath.dirname(path.rstrip("/"))
        if parent and not self.store.exists(parent):
            self._made.append(parent)
        elif parent:
            self._sweep(parent)
        self._stages.append(path)
        return path

    def _sweep(self, dataset: str) -> None:
        for name in self.store.finish_publications(dataset):
            log.warning("finished a publication a killed process left half done: %s", name)
        names = self.store.list(dataset)
        for name in orphaned([n for n in names if n + ".previous" not in names], datetime.now(UTC)):
            log.warning("removing an orphaned staging folder %s", posixpath.join(dataset, name))
            self.store.delete(posixpath.join(dataset, name))

    # -- publication, in the order the caller decides

    def add(self, staged: str, final: str) -> None:
        """Publish a new dataset (a run's partition): ``staged`` becomes ``final``."""
        self.store.rename(staged, final)
        self.published.append(final)

    def replace(self, staged: str, final: str, keep: tuple[str, ...] = ()) -> None:
        """Replace ``final`` with ``staged``, carrying ``keep`` sub-folders of the old one over."""
        self.store.publish(staged, final, keep_from_previous=keep)
        self.published.append(final)

    def swap(self, swaps: list[tuple[str, str]], trash: str) -> None:
        """Replace each ``final`` by its ``staged`` copy; if one fails, undo those done."""
        self.stage(trash)
        done = []
        try:
            for final, staged in swaps:
                old = posixpath.join(trash, posixpath.basename(final))
                self.store.rename(final, old)
                try:
                    self.store.rename(staged, final)
                except Exception:
                    self.store.rename(old, final)
                    raise
                done.append((final, old))
        except Exception:
            for final, old in reversed(done):
                self.store.delete(final)
                self.store.rename(old, final)
            raise
        self.published.extend(final for final, _ in swaps)

    # -- the block

    def __enter__(self) -> StagedTransaction:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._cleanup()
        if exc is None:
            return False
        self.failed = True
        log_record(
            {**self.failure_record, "ended_at": utc_now(), "outcome": "failed", "error": type(exc).__name__}
        )
        if isinstance(exc, PiiMaskError) or not isinstance(exc, Exception) or self.explain is None:
            return False
        replacement = self.explain(exc, list(self.published))
        if replacement is None:
            return False
        raise replacement from None

    def _cleanup(self) -> None:
        for path in self._stages:
            try:
                self.store.delete(path)
            except Exception:  # best effort: a staging location is hidden and never read
                log.warning("could not remove staging location %s", path)
        for path in self._made:  # a failed first run leaves no empty dataset behind
            try:
                if self.store.exists(path) and not self.store.list(path):
                    self.store.delete(path)
            except Exception:
                log.warning("could not remove empty location %s", path)
