"""Paths and atomic publication through Hadoop's FileSystem (local disk, HDFS, S3 alike).

A run writes every dataset to a hidden staging location first and publishes only when all of
them succeeded, so a failed run leaves the previous output intact and nothing partial visible.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import signal
import threading
import time
import uuid

from pyspark.sql import SparkSession

from piimask.storage.paths import is_within, normalize

__all__ = ["HEARTBEAT_S", "KILL_ENV", "LEASE", "MISSED_BEATS", "STALE_PUBLISH_S", "Heartbeat", "Storage"]

log = logging.getLogger("piimask.storage")

STARTED, RETIRED = ".swap-started", ".old-retired"  # markers inside a swap's trash
# A swap's owner rewrites a lease in its trash every HEARTBEAT_S seconds while it moves entries.
# Another process that finds the trash watches the lease with its own clock: rewritten, the
# owner is alive and its swap is left alone; not rewritten for MISSED_BEATS of the owner's
# beats, the owner died and the swap is completed at once. No clock is compared across
# machines, and a live owner survives two failed beats (a transient S3 error).
LEASE = ".swap-lease"
HEARTBEAT_S = 10.0
MISSED_BEATS = 3
STALE_PUBLISH_S = 3600.0  # a trash without a lease (an older kit's) this old was left by a dead process
# A test seam, read at one point: with this variable naming a dataset's folder (``output``),
# the process kills itself (SIGKILL, no handler runs) once that dataset's old entries are all
# moved aside and before any new one is placed: where a killed swap leaves least visible.
KILL_ENV = "PIIMASK_TEST_KILL_IN_PUBLISH"


class Heartbeat:
    """The owner's lease on a swap: written once on entry, then rewritten every ``every_s``
    seconds by a daemon thread (its own Py4J connection) until the block ends. The lease says
    who owns the swap and how often it beats, never a value from the data."""

    def __init__(self, store: Storage, path: str, every_s: float | None = None):
        self.store, self.path = store, path
        self.every_s = HEARTBEAT_S if every_s is None else every_s
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="piimask-swap-lease", daemon=True)
        self._beat = 0

    def _write(self) -> None:
        lease = {"owner": self.owner, "beat": self._beat, "every_s": self.every_s}
        self.store.write_text(self.path, json.dumps(lease))

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._beat += 1
            try:
                self._write()
            except Exception as exc:  # a missed beat; MISSED_BEATS of them and others take over
                log.warning("could not renew the publication lease (%s)", type(exc).__name__)

    def __enter__(self) -> Heartbeat:
        self._write()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop beating (before the trash is deleted, so no beat recreates it)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


class Storage:
    """Thin wrapper over org.apache.hadoop.fs.FileSystem for the operations a run needs."""

    def __init__(self, spark: SparkSession):
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, path: str):
        return self._jvm.org.apache.hadoop.fs.Path(path)

    def _fs(self, path: str):
        return self._path(path).getFileSystem(self._conf)

    def exists(self, path: str) -> bool:
        return bool(self._fs(path).exists(self._path(path)))

    def is_dir(self, path: str) -> bool:
        return bool(self._fs(path).getFileStatus(self._path(path)).isDirectory())

    def modified(self, path: str) -> float:
        """Last modification time, seconds since the epoch."""
        return self._fs(path).getFileStatus(self._path(path)).getModificationTime() / 1000.0

    def delete(self, path: str) -> None:
        if self.exists(path):
            self._fs(path).delete(self._path(path), True)

    def mkdirs(self, path: str) -> None:
        self._fs(path).mkdirs(self._path(path))

    def rename(self, src: str, dst: str) -> None:
        parent = posixpath.dirname(dst.rstrip("/"))
        if parent:
            self.mkdirs(parent)
        if not self._fs(src).rename(self._path(src), self._path(dst)):
            raise OSError(f"could not move {src} to {dst}")

    def list(self, path: str) -> list[str]:
        if not self.exists(path):
            return []
        return sorted(str(s.getPath().getName()) for s in self._fs(path).listStatus(self._path(path)))

    def data_files(self, path: str) -> list[str]:
        """Visible data files (Spark's rule: names not starting with _ or .), recursively."""
        found = []
        for name in self.list(path):
            if name.startswith(("_", ".")):
                continue
            child = posixpath.join(path, name)
            if self._fs(child).getFileStatus(self._path(child)).isDirectory():
                found.extend(self.data_files(child))
            else:
                found.append(child)
        return found

    def write_text(self, path: str, text: str) -> None:
        out = self._fs(path).create(self._path(path), True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def read_text(self, path: str) -> str:
        stream = self._fs(path).open(self._path(path))
        try:
            reader = self._jvm.java.io.BufferedReader(self._jvm.java.io.InputStreamReader(stream, "UTF-8"))
            lines = []
            line = reader.readLine()
            while line is not None:
                lines.append(line)
                line = reader.readLine()
            return "\n".join(lines)
        finally:
            stream.close()

    def copy_file(self, src: str, dst: str) -> None:
        """Copy one file byte for byte (any Hadoop file system, checksums included)."""
        parent = posixpath.dirname(dst.rstrip("/"))
        if parent:
            self.mkdirs(parent)
        util = self._jvm.org.apache.hadoop.fs.FileUtil
        if not util.copy(self._fs(src), self._path(src), self._fs(dst), self._path(dst), False, self._conf):
            raise OSError(f"could not copy {src} to {dst}")

    def copy_dir(self, src: str, dst: str) -> None:
        """Copy the files of a small directory (the audit trail) into another."""
        self.mkdirs(dst)
        for name in self.list(src):
            self.write_text(posixpath.join(dst, name), self.read_text(posixpath.join(src, name)))

    def publish(self, staging: str, final: str, keep_from_previous: tuple[str, ...] = ()) -> None:
        """Replace ``final`` with ``staging``; carry named sub-directories of the old one over.

        ``staging`` is either a hidden folder inside ``final`` (``FINAL/.LABEL-RUN``, what the
        kit's transactions use: on S3 the job role's grant is a prefix, ``output/*``, and a stage
        beside the output would sit outside it) or a folder elsewhere, which is renamed whole.
        """
        if self.exists(final):
            for sub in keep_from_previous:
                old = posixpath.join(final, sub)
                if self.exists(old):
                    for name in self.list(old):
                        target = posixpath.join(staging, sub, name)
                        if not self.exists(target):
                            self.write_text(target, self.read_text(posixpath.join(old, name)))
        if is_within(staging, final) and normalize(staging) != normalize(final):
            self._publish_entries(staging, final)
        elif self.exists(final):
            trash = staging + ".previous"
            self.rename(final, trash)
            try:
                self.rename(staging, final)
            except Exception:
                self.rename(trash, final)
                raise
            self.delete(trash)
        else:
            self.rename(staging, final)

    def _publish_entries(self, staging: str, final: str) -> None:
        """Swap the visible entries of ``final`` for those of ``staging`` (a hidden folder inside
        it): the old ones move to a hidden trash beside the stage, the new ones move up, and on a
        failure the new ones are removed and the old ones moved back. Two markers in the trash
        let ``finish_publications`` complete a swap whose process was killed half way."""
        trash = staging + ".previous"
        lease = Heartbeat(self, posixpath.join(trash, LEASE))
        with lease:  # written before the marker: a trash with the marker always has a lease
            self.write_text(posixpath.join(trash, STARTED), "")
            self._swap_entries(staging, final, trash, lease)
        self.delete(trash)
        self.delete(staging)

    def _swap_entries(self, staging: str, final: str, trash: str, lease: Heartbeat) -> None:
        old = self._visible(final)
        moved: list[str] = []
        placed: list[str] = []
        try:
            for name in old:
                self._move(posixpath.join(final, name), posixpath.join(trash, name))
                moved.append(name)
            self.write_text(posixpath.join(trash, RETIRED), "")
            if os.environ.get(KILL_ENV) and os.environ[KILL_ENV] == posixpath.basename(final.rstrip("/")):
                os.kill(os.getpid(), signal.SIGKILL)
            for name in self._visible(staging):
                self._move(posixpath.join(staging, name), posixpath.join(final, name))
                placed.append(name)
        except Exception:
            for name in placed:
                self.delete(posixpath.join(final, name))
            for name in moved:
                self._move(posixpath.join(trash, name), posixpath.join(final, name))
            lease.stop()
            self.delete(trash)
            raise

    def finish_publications(self, final: str, older_than_s: float | None = None) -> list[str]:
        """Complete every swap in ``final`` whose process died (its lease went unrenewed for
        ``MISSED_BEATS`` beats; a trash without a lease, once it is ``older_than_s`` old, default
        ``STALE_PUBLISH_S``): its stage was complete (a transaction publishes only after its
        record is written) and the raw zone was published first, so the swap is rolled forward.
        Returns the trash folders finished (names only)."""
        older_than_s = STALE_PUBLISH_S if older_than_s is None else older_than_s
        finished = []
        for name in self.list(final):
            if not (name.startswith(".") and name.endswith(".previous")):
                continue
            trash, stage = posixpath.join(final, name), posixpath.join(final, name[: -len(".previous")])
            started = posixpath.join(trash, STARTED)
            if not self.exists(started):
                continue  # not this method's trash (a transaction's swap of partitions)
            if not self._owner_dead(trash, older_than_s):
                continue  # a swap in progress in another process
            if self.exists(stage):
                if not self.exists(posixpath.join(trash, RETIRED)):
                    for entry in self._visible(final):
                        self._move(posixpath.join(final, entry), posixpath.join(trash, entry))
                for entry in self._visible(stage):
                    self._move(posixpath.join(stage, entry), posixpath.join(final, entry))
                self.delete(stage)
            self.delete(trash)
            finished.append(name)
        return finished

    def _owner_dead(self, trash: str, older_than_s: float) -> bool:
        """Whether the process that owns the swap in ``trash`` is gone: its lease was not
        rewritten while this process watched it for ``MISSED_BEATS`` of its beats (a lease
        rewritten, or the trash removed by its owner, means the owner is alive). The lease is
        compared as text: a read that caught a local overwrite half done differs, and counts as
        a beat."""
        lease = posixpath.join(trash, LEASE)
        first = self._read_lease(lease)
        if first is None:  # an older kit's swap: only its age tells
            try:
                return self._age_s(posixpath.join(trash, STARTED)) >= older_than_s
            except Exception:  # removed meanwhile: its owner finished
                return False
        try:
            every_s = float(json.loads(first)["every_s"])
        except (ValueError, KeyError, TypeError):
            every_s = HEARTBEAT_S
        deadline = time.monotonic() + MISSED_BEATS * every_s
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(every_s / 2, left))
            if not self.exists(trash) or self._read_lease(lease) != first:
                return False
        return True

    def _read_lease(self, path: str) -> str | None:
        try:
            return self.read_text(path) if self.exists(path) else None
        except Exception:  # removed meanwhile: its owner finished, or never had one
            return None

    def _visible(self, folder: str) -> list[str]:
        return [n for n in self.list(folder) if not n.startswith(".")]  # hidden: stages, checksums

    def _age_s(self, path: str) -> float:
        modified = self._fs(path).getFileStatus(self._path(path)).getModificationTime()
        return time.time() - modified / 1000

    def _move(self, src: str, dst: str) -> None:
        """``rename``, merging into ``dst`` when a killed swap left part of a folder there (an S3
        folder rename is a copy and delete per object, so it can stop half way)."""
        if not self.exists(dst):
            self.rename(src, dst)
            return
        if not self._fs(dst).getFileStatus(self._path(dst)).isDirectory():
            self.delete(dst)  # the same object, copied before the process died
            self.rename(src, dst)
            return
        for name in self.list(src):
            self._move(posixpath.join(src, name), posixpath.join(dst, name))
        self.delete(src)
