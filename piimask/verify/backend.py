"""The Spark backend of the join checks: cells, kept frames, broadcast sides, counted findings.

A join check declares a ``Finding``: the distinct violating cells (``column``, ``n`` = their
rows) as a lazy frame, with the check's name, reason, columns and message. ``Backend.find``
collects the declarations and ``Backend.flush`` counts all of them in one Spark job and turns
them into results. ``keep`` persists a frame that several checks read (``cleanup`` releases it);
``small`` also says whether a frame is small enough to broadcast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from piimask.verify.reasons import Reason
from piimask.verify.report import Result

__all__ = ["Backend", "Finding", "cells", "quoted", "union_all"]


def quoted(name: str) -> Column:
    """The column ``name``, whatever characters it holds."""
    return F.col(f"`{name}`")


def union_all(frames: Iterable[DataFrame]) -> DataFrame:
    """The frames' rows in one frame (by column name); at least one frame."""
    frames = list(frames)
    union = frames[0]
    for f in frames[1:]:
        union = union.unionByName(f)
    return union


def cells(
    df: DataFrame, columns: list[str], key: str = "value", where: Column | None = None, extra: list[str] = ()
) -> DataFrame:
    """(``extra``, column, ``key``, n): the distinct non-null cells of ``columns`` (values cast
    to string) with their row counts ``n``. The join checks join distinct cells and add up
    their counts: most columns repeat a few thousand values, so there are far fewer distinct
    cells than cells. ``where`` filters the cells first."""
    arr = F.array(*[F.struct(F.lit(c).alias("column"), quoted(c).cast("string").alias(key)) for c in columns])
    present = F.col(key).isNotNull()
    return (
        df.select(*extra, F.inline(arr))
        .where(present if where is None else present & where)
        .groupBy(*extra, "column", key)
        .agg(F.count(F.lit(1)).alias("n"))
    )


@dataclass(frozen=True)
class Finding:
    """A join check's declaration: ``frame`` holds its distinct violating cells (column, n = their
    rows); ``message(column, n)`` words the result of each of ``columns``."""

    reason: Reason
    check: str
    columns: list[str]
    message: Callable[[str, int], str]
    frame: DataFrame


class Backend:
    """The frames one verify run keeps, and the findings it has yet to count."""

    def __init__(self, broadcast_rows: int):
        self.broadcast_rows = broadcast_rows
        self.persisted: list[DataFrame] = []
        self.findings: list[Finding] = []

    def keep(self, df: DataFrame) -> DataFrame:
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        self.persisted.append(df)
        return df

    def small(self, df: DataFrame) -> tuple[DataFrame, bool]:
        """``df`` kept, hinted for broadcast if it has at most ``broadcast_rows`` rows (and whether
        it is): the joins then stream every output cell through without a shuffle."""
        df = self.keep(df)
        if df.count() <= self.broadcast_rows:
            return F.broadcast(df), True
        return df, False

    def find(self, finding: Finding) -> None:
        """Declare a join check; all are counted together by ``flush`` in one job."""
        self.findings.append(finding)

    def flush(self) -> list[Result]:
        """The results of every declared finding (one per column), counted in one job."""
        if not self.findings:
            return []
        union = union_all(
            f.frame.select(F.lit(i).alias("_f"), "column", "n") for i, f in enumerate(self.findings)
        )
        counts = {
            (row["_f"], row["column"]): int(row["n"])
            for row in union.groupBy("_f", "column").agg(F.sum("n").alias("n")).collect()
        }
        results = []
        for i, f in enumerate(self.findings):
            for c in f.columns:
                n = counts.get((i, c), 0)
                results.append(Result.of(f.check, c, f.reason, n, f.message(c, n)))
        self.findings = []
        return results

    def cleanup(self) -> None:
        for df in self.persisted:
            df.unpersist()
