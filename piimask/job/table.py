"""The masked output as an Iceberg table: write to a branch, verify the branch, publish main.

``--output-format iceberg --output catalog.database.table``. Each run:

1. creates the table (partitioned by the day of the event time, cast to a timestamp) or adds the
   columns it lacks;
2. keeps only the rows the table does not hold yet, by a digest of the masked row (``_piimask_row``),
   so a re-run of the same input adds nothing;
3. appends them to a new branch ``audit_<run>``: main, which readers see, is untouched;
4. runs ``verify``'s output checks on the branch: the row checks on the rows the run appended
   (main's rows were checked when they were published), the checks across rows (k-anonymity,
   the row count) on the whole table as it would be published;
5. fast-forwards main to the branch, a single metadata commit, and drops the branch.

If the checks fail, the branch stays for inspection (``verify --output TABLE --branch audit_<run>``)
and main is unchanged. A crash at any point leaves main at its previous snapshot: only the
fast-forward changes what readers see. The audit record goes beside the table, in
``<table location>.piimask/_audit/``, once main has moved (a run killed before that leaves no
record describing rows main never got).

Owns: the table side of a run. Imports: storage, verify, rubric.
"""

from __future__ import annotations

import logging
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from piimask.errors import Refused
from piimask.job.hold import RAW, Split, class_counts, class_keys, split
from piimask.rubric import Rubric
from piimask.storage.iceberg import ROW_DIGEST, Table
from piimask.verify import Report, verify

__all__ = [
    "COMPACT_MIN_FILES",
    "TableRun",
    "TableWrite",
    "adaptive_off",
    "compact_table",
    "once_per_digest",
    "prepare_table",
    "row_digest",
    "table_frame",
    "write_table",
]

log = logging.getLogger(__name__)


def row_digest(columns: list[str]) -> Column:
    """SHA-256 of the masked row's values (JSON of the columns, nulls kept): the same input row
    masked with the same keys gives the same digest, so it is never appended twice."""
    return F.sha2(F.to_json(F.struct(*[F.col(f"`{c}`") for c in columns])), 256)


def table_frame(masked: DataFrame, rubric: Rubric, carried: tuple[str, ...] = ()) -> DataFrame:
    """The masked rows as the table stores them: the event time as a timestamp (Iceberg
    partitions on a timestamp, not a string), and the row digest. The digest is taken before
    k-anonymity may generalize the row, so a row released coarser on one run is still known by
    the same digest on the next. ``carried`` columns (the raw row) are not digested."""
    event = rubric.event_time_column
    df = masked
    if event in df.columns and isinstance(df.schema[event].dataType, StringType):
        df = df.withColumn(event, F.to_timestamp(F.col(event)))
    return df.withColumn(ROW_DIGEST, row_digest([c for c in masked.columns if c not in carried]))


@contextmanager
def adaptive_off(spark):
    """Adaptive execution off for the table side of a run: with the anti-join against the
    table's digests, AQE re-plans the query stages and the run's observed counts (rows in, rows
    valid) were never reported, so the run waited for them forever (Spark 3.5.6, Iceberg
    1.10.0; reproduced on a second run of the same input)."""
    conf = spark.conf
    before = conf.get("spark.sql.adaptive.enabled", "true")
    conf.set("spark.sql.adaptive.enabled", "false")
    try:
        yield
    finally:
        conf.set("spark.sql.adaptive.enabled", before)


PAUSE_ENV = "PIIMASK_TEST_PAUSE_AT"  # a test seam: "POINT:MARKER_FILE"; never set in production


def pause_point(point: str) -> None:
    """A test seam: when ``PIIMASK_TEST_PAUSE_AT`` is ``POINT:FILE`` for this point, write FILE
    and sleep, so a test can SIGKILL the run at a known step (tests/e2e/test_table_kill.py)."""
    name, _, marker = os.environ.get(PAUSE_ENV, "").partition(":")
    if name != point or not marker:
        return
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(str(os.getpid()))
    time.sleep(600)


def branch_for(run_id: str) -> str:
    return "audit_" + re.sub(r"[^A-Za-z0-9_]", "_", run_id)


@dataclass
class TableRun:
    """One run's branch on one table."""

    table: Table
    branch: str
    added: Observation
    base: int | None = None  # the branch's snapshot before the run appended to it

    def write(self, rows: DataFrame) -> None:
        with adaptive_off(self.table.spark):
            rows.observe(self.added, F.count(F.lit(1)).alias("n")).writeTo(
                self.table.branch_name(self.branch)
            ).append()

    @property
    def rows_added(self) -> int:
        return int(self.added.get["n"] or 0)

    def branch_rows(self) -> DataFrame:
        return self.table.read(branch=self.branch).drop(ROW_DIGEST)

    def new_rows(self) -> DataFrame:
        """The rows this run appended to its branch, as the branch holds them (read back from
        the data files the append added, not from the frame that was written)."""
        head = self.table.snapshot(self.branch)
        if self.base is None:  # the branch began on an empty table: every row is new
            return self.branch_rows()
        if head == self.base:  # nothing appended (a re-run of the same input)
            return self.branch_rows().where(F.lit(False))
        return self.table.appended(self.base, head).drop(ROW_DIGEST)

    def publish(self) -> int:
        """Fast-forward main to the branch; return main's new snapshot id."""
        pause_point("before_fast_forward")
        try:
            self.table.fast_forward(self.branch)
        except Exception as exc:  # main moved since the branch was made: another writer
            raise Refused(
                f"could not publish branch {self.branch} of {self.table.name}: main moved while the "
                f"run wrote ({type(exc).__name__}). The branch is kept; re-run the job."
            ) from None
        self.table.drop_branch(self.branch)
        return self.table.snapshot("main")


@dataclass
class TableWrite:
    """What a run wrote on the table side: its branch, the split of its candidate rows."""

    run: TableRun
    split: Split
    candidates: int  # rows not yet in the table, each digest once
    # the quasi-identifiers the audit measures (None: the table's columns hold one the run's
    # rows lack, and the audit counts the whole branch itself) and main's rows per class at the
    # branch's base (kept until the audit; None: the table was empty)
    qis: list[str] | None
    classes: DataFrame | None

    def branch_classes(self, appended: DataFrame) -> DataFrame | None:
        """The branch's rows per class for the audit's k-anonymity check: main's classes, as this
        run counted them, plus the ``appended`` rows (read back from the branch, which is main
        at its base and those rows)."""
        if self.qis is None:
            return None
        new = class_counts(appended, self.qis)
        return new if self.classes is None else new.unionByName(self.classes)

    def release(self) -> None:
        if self.classes is not None:
            self.classes.unpersist()

    def audit(self, rubric: Rubric, output: str, record: dict) -> Report:
        """verify's output checks on the branch: the row checks on the rows the run appended,
        read back once (each read of the branch's new files, one per day partition the run
        touched, opens every one of them), k-anonymity over main's classes and theirs."""
        run = self.run
        appended = per_core(run.new_rows()).persist(StorageLevel.DISK_ONLY)
        try:
            return verify(
                run.table.spark,
                rubric,
                output,
                frame=run.branch_rows(),
                new_rows=appended,
                audit=record,
                whole_classes=self.branch_classes(appended),
            )
        finally:
            appended.unpersist()
            self.release()

    def counts(self, counts: dict, rubric: Rubric, from_hold: int, present: set[str]) -> dict | None:
        """Complete a table run's ``counts``: its valid rows (``rows_out`` on entry) are published,
        held back, or skipped (already in the table, or repeated in this run). Return the
        privacy record (None without a privacy section)."""
        released, _, held = self.split.counts()
        if released + held != self.candidates or released != self.run.rows_added:
            raise Refused(
                f"row counts do not reconcile on the table side (candidates {self.candidates}, "
                f"published {released}, held back {held}); the input changed while the job ran? "
                "Nothing was published; re-run."
            )
        counts["rows_already_in_table"] = counts["rows_out"] - self.candidates
        counts["rows_out"] = counts["rows_added_to_table"] = released
        counts["rows_held"] = held
        counts["rows_from_hold"] = from_hold
        return None if rubric.privacy is None else self.split.record(rubric, present)


def write_table(
    spark, name: str, masked: DataFrame, rubric: Rubric, run_id: str, held_stage: str
) -> TableWrite:
    """Append the run's rows whose class reaches k over the table to the run's branch; write the
    others (raw) to ``held_stage``. ``masked`` carries the raw row in ``hold.RAW``."""
    frame = table_frame(masked, rubric, carried=(RAW,))
    columns = [c for c in frame.columns if c != RAW]
    run, main = prepare_table(spark, name, frame, rubric, run_id, carried=(RAW,))
    qis = class_keys(rubric, columns)
    # main as the branch began from it, read once for both of its uses (its digests: what the
    # table holds already; its classes: k over the table): each read of a table opens every one
    # of its data files, one per day partition and run, which is what an incremental run paid
    narrow = None if main is None else main.select(ROW_DIGEST, *[f"`{q}`" for q in qis])
    narrow = None if narrow is None else per_core(narrow).persist(StorageLevel.DISK_ONLY)
    new = frame if narrow is None else frame.join(narrow.select(ROW_DIGEST), on=ROW_DIGEST, how="left_anti")
    # The new rows are read several times (their digests, their classes, the rows released, the
    # rows held): kept, not recomputed from the input (masking free text is the run's cost). On
    # disk only: with memory allowed, a block (a partition of wide rows, masked and raw) that had
    # gone to disk is copied back whole into one heap buffer when read, which can exhaust the
    # heap (BlockManager.maybeCacheDiskBytesInMemory; the run that did is in benchmarks/HISTORY.md).
    new = new.persist(StorageLevel.DISK_ONLY)
    classes = None if narrow is None else class_counts(narrow, qis).persist(StorageLevel.MEMORY_AND_DISK)
    parts = None
    try:
        with adaptive_off(spark):
            cand, n = once_per_digest(new)
            parts = split(cand, classes, rubric, columns)
            parts.held.write.mode("overwrite").parquet(held_stage)
            run.write(parts.released)
    except BaseException:
        if classes is not None:
            classes.unpersist()
        raise
    finally:
        if parts is not None:
            parts.release()
        new.unpersist()
        if narrow is not None:
            narrow.unpersist()
    # the audit measures k over the quasi-identifiers of the table's columns (verify's rule)
    same = class_keys(rubric, run.table.read().columns) == qis
    return TableWrite(run, parts, n, qis if same else None, classes)


# A partition is compacted once it holds this many data files. Each run adds a file to every
# day partition its new rows fall in, and every read of the table opens every file (a fixed cost
# per file, benchmarks/HISTORY.md): rewriting a partition costs a read and a write of its rows,
# so it waits until the files to open have become the larger cost.
COMPACT_MIN_FILES = 8


def compact_table(table: Table) -> None:
    """After a run published: rewrite the partitions that have gathered COMPACT_MIN_FILES small
    files (one commit on main, the same rows). A failure here changes nothing readers see and
    loses nothing, so the run still succeeds; the next run tries again."""
    try:
        rewritten, added = table.compact(COMPACT_MIN_FILES)
    except Exception as exc:  # a concurrent commit, a storage error: the published run stands
        log.warning("compaction of %s skipped (%s); the next run retries", table.name, type(exc).__name__)
        return
    if rewritten:
        log.info("compacted %s: %d data files rewritten as %d", table.name, rewritten, added)


def per_core(rows: DataFrame) -> DataFrame:
    """``rows`` of a table read as one partition per core, to be kept: a table read is split by
    data file groups (hundreds of splits for a table of small day partitions), and every check
    that reads the kept rows again would run that many tasks, each a fixed cost for a few rows."""
    return rows.coalesce(max(1, rows.sparkSession.sparkContext.defaultParallelism))


REPEATS_BROADCAST = 100_000  # the most repeated digests broadcast to the new rows


def once_per_digest(new: DataFrame) -> tuple[DataFrame, int]:
    """The rows of ``new`` (kept) with each digest once, and how many there are. A digest repeats
    only when the run holds the same event twice (a repeated input row, a held row that came
    again): only those rows are de-duplicated, so the others, wide, are never sorted."""
    by_digest = new.groupBy(ROW_DIGEST).agg(F.count(F.lit(1)).alias("n"))
    repeated = F.col("n") > 1
    stats = by_digest.agg(
        F.count(F.lit(1)).alias("digests"), F.sum(F.when(repeated, 1).otherwise(0)).alias("repeated")
    ).first()
    digests, n_repeated = int(stats["digests"]), int(stats["repeated"] or 0)
    if not n_repeated:
        return new, digests
    twice = by_digest.where(repeated).select(ROW_DIGEST)
    if n_repeated <= REPEATS_BROADCAST:
        twice = F.broadcast(twice)
    once = new.join(twice, on=ROW_DIGEST, how="left_anti")
    firsts = new.join(twice, on=ROW_DIGEST, how="left_semi").dropDuplicates([ROW_DIGEST])
    return once.unionByName(firsts), digests


def prepare_table(
    spark, name: str, frame: DataFrame, rubric: Rubric, run_id: str, carried: tuple[str, ...] = ()
) -> tuple[TableRun, DataFrame | None]:
    """Create or evolve the table, make the run's branch; return it and main's rows at the
    branch's base (None while the table has no snapshot)."""
    table = Table(spark, name)
    table.check_catalog()
    event = rubric.event_time_column if rubric.event_time_column in frame.columns else None
    table.create_or_evolve(frame.drop(*carried).schema, event)
    run = TableRun(table, branch_for(run_id), Observation("piimask_table"))
    table.create_branch(run.branch)
    run.base = table.snapshot(run.branch)
    return run, None if run.base is None else table.read(snapshot=run.base)
