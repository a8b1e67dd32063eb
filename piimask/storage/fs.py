"""Paths and atomic publication through Hadoop's FileSystem (local disk, HDFS, S3 alike).

A run writes every dataset to a hidden staging location first and publishes only when all of
them succeeded, so a failed run leaves the previous output intact and nothing partial visible.
"""

from __future__ import annotations

import os
import posixpath
import signal
import time

from pyspark.sql import SparkSession

from piimask.storage.paths import is_within, normalize

__all__ = ["KILL_ENV", "STALE_PUBLISH_S", "Storage"]

STARTED, RETIRED = ".swap-started", ".old-retired"  # markers inside a swap's trash
STALE_PUBLISH_S = 3600.0  # a swap whose trash is this old was left by a process that died
# A test seam, read at one point: with this variable naming a dataset's folder (``output``),
# the process kills itself (SIGKILL, no handler runs) once that dataset's old entries are all
# moved aside and before any new one is placed: where a killed swap leaves least visible.
KILL_ENV = "PIIMASK_TEST_KILL_IN_PUBLISH"


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
        self.write_text(posixpath.join(trash, STARTED), "")
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
            self.delete(trash)
            raise
        self.delete(trash)
        self.delete(staging)

    def finish_publications(self, final: str, older_than_s: float | None = None) -> list[str]:
        """Complete every swap in ``final`` whose process died (its trash is ``older_than_s``
        old, default ``STALE_PUBLISH_S``): its stage was complete (a transaction publishes only
        after its record is written) and the raw zone was published first, so the swap is rolled
        forward. Returns the trash folders found (names only)."""
        older_than_s = STALE_PUBLISH_S if older_than_s is None else older_than_s
        finished = []
        for name in self.list(final):
            if not (name.startswith(".") and name.endswith(".previous")):
                continue
            trash, stage = posixpath.join(final, name), posixpath.join(final, name[: -len(".previous")])
            started = posixpath.join(trash, STARTED)
            if not self.exists(started):
                continue  # not this method's trash (a transaction's swap of partitions)
            if self._age_s(started) < older_than_s:
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
