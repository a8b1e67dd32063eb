"""k-anonymity over a whole table: rows whose class is still too small wait in the raw zone.

A table output grows run by run, so a class is measured over the rows the table already holds
plus the run's new rows, never over one batch alone. Each run's candidate rows (masked, not yet
in the table) are released when their class, counted with the table's rows of the same values,
reaches k; with ``action: generalize`` a row whose fine class is too small is released one level
coarser when that coarser class (table rows + candidates released at it) reaches k. Every other
row is *held back*: not published, counted in the audit (``rows_held``), kept as its raw input
row under ``QUARANTINE/_held/run_id=<run>/`` (the raw zone, hidden from readers of the
quarantine's partitions) and read again by the next run together with its new input, until its
class reaches k. ``action: report`` holds nothing.

Why this keeps k over the table: a class already in the table has >= k rows (by induction), and
a run only adds rows to a class whose size, counting the table's rows with those values, is at
least k. The classes are measured by value, as verify measures them: a row released coarser
joins the table's rows holding the same coarse values.

The held store is written before main is fast-forwarded, as a new partition; the partitions the
run read are deleted only after the fast-forward. A crash in between leaves both: the next run
reads them all, and rows already in the table or repeated are skipped by their digest.

Owns: the hold decision and the held store. Imports: storage, rubric, verify, job.privacy.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Observation
from pyspark.sql import functions as F

from piimask.errors import Refused
from piimask.job.privacy import coarser
from piimask.rubric import Rubric
from piimask.storage.fs import Storage
from piimask.verify import CLASS_ROWS

__all__ = ["HELD_DIR", "HeldStore", "Split", "RAW", "class_counts", "class_keys", "split"]

HELD_DIR = "_held"  # inside --quarantine: Spark skips folders whose name starts with _
RAW = "_piimask_raw"  # the input row, carried beside the masked row so a held row stays raw
_P = "__h_"  # helper columns (never written)
# the most candidate classes broadcast to the candidate rows (a row each: the quasi-identifiers'
# values twice and two flags); above it the join shuffles both sides
BROADCAST_CLASSES = 200_000


@dataclass
class HeldStore:
    """The rows held back by earlier runs: their partitions and how many rows they hold."""

    root: str
    partitions: list[str]

    @classmethod
    def open(cls, store: Storage, quarantine: str) -> HeldStore:
        root = posixpath.join(quarantine, HELD_DIR)
        parts = [p for p in store.list(root) if p.startswith("run_id=")] if store.exists(root) else []
        return cls(
            root,
            [posixpath.join(root, p) for p in sorted(parts) if store.data_files(posixpath.join(root, p))],
        )

    def partition(self, run_id: str) -> str:
        return posixpath.join(self.root, f"run_id={run_id}")

    def read(self, spark) -> DataFrame | None:
        if not self.partitions:
            return None
        return spark.read.option("mergeSchema", "true").parquet(*self.partitions)

    def drop_read(self, store: Storage) -> None:
        """After main was fast-forwarded: the partitions this run read are superseded by its own."""
        for part in self.partitions:
            store.delete(part)


def with_held(df: DataFrame, held: DataFrame | None) -> DataFrame:
    """The input followed by the held rows, cast to the input's column types (a held row may
    come from an input of another format); a column only the held rows have is kept."""
    if held is None:
        return df
    types = {f.name: f.dataType for f in df.schema.fields}
    aligned = held.select(
        *[F.col(f"`{c}`").cast(types[c]).alias(c) if c in types else F.col(f"`{c}`") for c in held.columns]
    )
    return df.unionByName(aligned, allowMissingColumns=True)


def _counted(df: DataFrame, keys: list[str], name: str) -> DataFrame:
    return df.groupBy(*[F.col(f"`{k}`") for k in keys]).agg(F.count(F.lit(1)).alias(name))


def _match(left: DataFrame, right: DataFrame, on: list[tuple[str, str]], how: str = "left") -> DataFrame:
    cond = F.lit(True)
    for a, b in on:
        cond = cond & left[f"`{a}`"].eqNullSafe(right[f"`{b}`"])
    return left.join(right, on=cond, how=how)


def class_keys(rubric: Rubric, columns: list[str]) -> list[str]:
    """The quasi-identifiers a table's classes are measured over: the rubric's, present."""
    p = rubric.privacy
    return [] if p is None else [q for q in p.quasi_identifiers if q in columns]


def class_counts(rows: DataFrame, qis: list[str]) -> DataFrame:
    """Rows per class of ``rows`` over ``qis`` (their columns and ``CLASS_ROWS``); one class
    without any quasi-identifier."""
    return _counted(rows, qis, CLASS_ROWS)


def _decisions(cand: DataFrame, classes: DataFrame | None, rubric: Rubric, qis: list[str]) -> DataFrame:
    """One row per fine class of the candidates: its release values (``__h_r<i>``), whether it
    is released (``__h_ok``) and whether coarser (``__h_coarse``). ``classes``: the table's rows
    per class (``class_counts``), None for an empty table."""
    p = rubric.privacy
    dtypes = {f.name: f.dataType for f in cand.schema.fields}
    tab = _counted(cand, qis, f"{_P}b")
    t_names = [f"{_P}t{i}" for i in range(len(qis))]
    t = (
        None
        if classes is None
        else classes.select(
            *[F.col(f"`{q}`").alias(n) for q, n in zip(qis, t_names, strict=True)],
            F.col(CLASS_ROWS).alias(f"{_P}tn"),
        )
    )

    def with_table(df: DataFrame, keys: list[str], name: str) -> DataFrame:
        if t is None:
            return df.withColumn(name, F.lit(0).cast("long"))
        joined = _match(df, t, list(zip(keys, t_names, strict=True)))
        return joined.drop(*t_names).withColumnRenamed(f"{_P}tn", name).fillna(0, subset=[name])

    tab = with_table(tab, qis, f"{_P}tf")
    generalize = p.action == "generalize"
    fine_ok = F.col(f"{_P}b") + F.col(f"{_P}tf") >= p.k
    rel = []
    for i, q in enumerate(qis):
        c = F.col(f"`{q}`")
        coarse = coarser(c, rubric.column(q), dtypes[q]) if generalize and not q.startswith(_P) else c
        rel.append(F.when(fine_ok, c).otherwise(coarse).alias(f"{_P}r{i}"))
    tab = tab.select("*", *rel, (~fine_ok & F.lit(generalize)).alias(f"{_P}coarse"))
    r_names = [f"{_P}r{i}" for i in range(len(qis))]
    sizes = tab.groupBy(*r_names).agg(F.sum(f"{_P}b").alias(f"{_P}br"))
    sizes = with_table(sizes, r_names, f"{_P}tr")
    sizes = sizes.select(
        *[F.col(n).alias(n + "s") for n in r_names],
        (F.col(f"{_P}br") + F.col(f"{_P}tr") >= p.k).alias(f"{_P}ok"),
    )
    out = _match(tab, sizes, [(n, n + "s") for n in r_names])
    return out.select(*qis, *r_names, f"{_P}ok", f"{_P}coarse")


@dataclass
class Split:
    """The candidates split into rows to publish and raw rows to hold, with their counts."""

    released: DataFrame  # the output's columns (and the row digest)
    held: DataFrame  # the raw input rows
    published: Observation
    kept: Observation
    cached: list[DataFrame] = field(default_factory=list)  # persisted for the two writes

    def release(self) -> None:
        """Unpersist what the split kept (after both writes)."""
        for df in self.cached:
            df.unpersist()

    def counts(self) -> tuple[int, int, int]:
        """Rows released, of which generalized, and rows held (call after both were written)."""
        pub, held = self.published.get, self.kept.get
        return int(pub.get("n") or 0), int(pub.get("coarse") or 0), int(held.get("n") or 0)

    def record(self, rubric: Rubric, present: set[str]) -> dict:
        p = rubric.privacy
        qis = [q for q in p.quasi_identifiers if q in present]
        released, generalized, held = self.counts()
        return {
            "k": p.k,
            "action": p.action,
            "scope": "table",
            "quasi_identifiers": qis,
            "absent_quasi_identifiers": [q for q in p.quasi_identifiers if q not in present],
            "rows_released": released,
            "rows_generalized": generalized,
            "rows_held": held,
            "rows_suppressed": 0,
        }


def split(cand: DataFrame, classes: DataFrame | None, rubric: Rubric, columns: list[str]) -> Split:
    """Decide, per candidate row, to publish it (at its fine or coarse class) or hold it back.

    ``cand`` has the output ``columns`` and ``RAW``; ``classes`` is the published table's rows per
    class over ``class_keys`` (``class_counts``; None before the first commit). Refused with
    l-diversity: holding by distinct sensitive values over a table is not implemented."""
    p = rubric.privacy
    if p is not None and p.sensitive and p.sensitive in columns:
        raise Refused(
            "a table output cannot enforce l-diversity yet (privacy.sensitive is set); nothing was "
            "written. Write to a folder output, or remove privacy.sensitive (docs/tables.md)."
        )
    published, held_obs = Observation("piimask_released"), Observation("piimask_held")
    kept: list[DataFrame] = []
    if p is None or p.action == "report":
        rel = cand.select(*columns).withColumn(f"{_P}coarse", F.lit(False))
        held = cand.where(F.lit(False)).select(f"{RAW}.*")
    else:
        qis = class_keys(rubric, columns)
        if not qis:  # no quasi-identifier present: the whole output is one class
            cand = cand.withColumn(f"{_P}all", F.lit(0))
            classes = None if classes is None else classes.withColumn(f"{_P}all", F.lit(0))
            qis = [f"{_P}all"]
        # one row per class of the candidates, computed once (both writes read it) and, when it
        # is small, broadcast: the candidate rows, wide (masked and raw), then stream through
        # the join instead of being shuffled and sorted for each write
        dec = _decisions(cand, classes, rubric, qis).persist(StorageLevel.MEMORY_AND_DISK)
        kept.append(dec)
        renamed = dec.select(
            *[F.col(f"`{q}`").alias(f"{_P}f{i}") for i, q in enumerate(qis)], *dec.columns[len(qis) :]
        )
        if dec.count() <= BROADCAST_CLASSES:
            renamed = F.broadcast(renamed)
        joined = _match(cand, renamed, [(q, f"{_P}f{i}") for i, q in enumerate(qis)])
        ok: Column = F.coalesce(F.col(f"{_P}ok"), F.lit(False))
        out = [F.col(f"{_P}r{qis.index(c)}").alias(c) if c in qis else F.col(f"`{c}`") for c in columns]
        rel = joined.where(ok).select(*out, f"{_P}coarse")
        held = joined.where(~ok).select(f"{RAW}.*")
    rel = rel.observe(
        published,
        F.count(F.lit(1)).alias("n"),
        F.sum(F.when(F.col(f"{_P}coarse"), 1).otherwise(0)).alias("coarse"),
    ).drop(f"{_P}coarse")
    return Split(rel, held.observe(held_obs, F.count(F.lit(1)).alias("n")), published, held_obs, kept)
