"""k-anonymity (and l-diversity) over the masked output: measure, suppress or generalize.

An equivalence class is the set of output rows sharing the values of the rubric's
``privacy.quasi_identifiers``. Everything is decided on a *class table*, one row per class with
its row count (``class_counts``; the job gets it from its value pass), never by sorting rows:

* ``report``: measure only.
* ``suppress``: drop the rows of classes smaller than ``k`` (or with fewer than ``l`` distinct
  values of the sensitive attribute).
* ``generalize``: retry only those rows one level coarser (0.01 -> 0.1 degree grid, hour ->
  day, 5 -> 10-year bins, band width doubled; city/state, tokens and kept columns unchanged),
  grouped among themselves, then suppress what is still too small.

The class table gets, per fine class, whether it is retried or dropped and the size of its final
class (windows over the table, by coarse value and by final value), and the audit's numbers are
aggregates over it weighted by class size. The rows then meet the table in one broadcast join:
they are neither shuffled nor sorted (row-level windows, tried first, cost a sort of every row).
Two observations on the written rows check that every row found its class and that the rows
released are the rows the table counted. A row's final value always coarsens to its coarse
value, so grouping by (coarse, final) is grouping by final value: the sizes measured are exactly
those verify.py measures by value.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.errors import Refused
from piimask.rubric import Column as RubricColumn
from piimask.rubric import Rubric
from piimask.treatments import treatment

__all__ = [
    "Enforcement",
    "class_columns",
    "class_counts",
    "class_size_buckets",
    "COUNT",
    "coarser",
    "enforce",
    "risk_summary",
]

_P = "__pk_"  # prefix of the helper columns (never written)


def coarser(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    """The next coarser level of an already masked value (idempotent: coarse(coarse(x)) =
    coarse(x)), from the treatment's record; a treatment without one keeps its value."""
    fn = treatment(spec.treatment).coarser
    return col if fn is None else F.when(col.isNotNull(), fn(col, spec.params, dtype))


def class_size_buckets(k: int) -> list[int]:
    """Lower bounds of the class-size histogram's bars; ``k`` is always a boundary."""
    return sorted({1, 2, 3, 4, 5, 10, 20, 50, 100, 1000, 10000, k})


def _bucket_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    return str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}"


def _metrics(
    size: Column,
    distinct: Column | None,
    k: int,
    l_value: int | None,
    tag: str,
    weight: Column,
    where: Column,
) -> list[Column]:
    """Aggregates over the class table: each fine class weighs its ``weight`` rows (only where
    ``where`` holds), ``size`` is the size of the class those rows are measured in, so
    sum(weight / size) counts classes."""
    bounds = class_size_buckets(k)
    small = size < k
    if distinct is not None:
        small = small | (distinct < l_value)

    def total(value: Column, cond: Column | None = None) -> Column:
        c = where if cond is None else where & cond
        return F.sum(F.when(c, value).otherwise(F.lit(0)))

    rows = weight.cast("double")
    out = [
        total(weight).alias(f"{tag}rows"),
        total(rows / size).alias(f"{tag}classes"),
        F.min(F.when(where, size)).alias(f"{tag}min"),
        total(weight, small).alias(f"{tag}small_rows"),
        total(weight, size == 1).alias(f"{tag}unique_rows"),
    ]
    if distinct is not None:
        out.append(F.min(F.when(where, distinct)).alias(f"{tag}l"))
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else None
        inside = (size >= lo) if hi is None else ((size >= lo) & (size < hi))
        out.append(total(rows / size, inside).alias(f"{tag}h{i}"))
        out.append(total(weight, inside).alias(f"{tag}r{i}"))
    return out


def _summary(row: dict, tag: str, k: int, l_value: int | None) -> dict:
    rows = int(row.get(f"{tag}rows") or 0)
    classes = int(round(row.get(f"{tag}classes") or 0.0))
    smallest = row.get(f"{tag}min")
    bounds = class_size_buckets(k)
    hist = []
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else None
        hist.append(
            {
                "sizes": _bucket_label(lo, hi),
                "classes": int(round(row.get(f"{tag}h{i}") or 0.0)),
                "rows": int(row.get(f"{tag}r{i}") or 0),
                "below_k": hi is not None and hi <= k,
            }
        )
    out = {
        "rows": rows,
        "classes": classes,
        "smallest_class": int(smallest) if smallest is not None else None,
        "rows_in_small_classes": int(row.get(f"{tag}small_rows") or 0),
        "rows_in_unique_classes": int(row.get(f"{tag}unique_rows") or 0),
        "class_size_histogram": hist,
    }
    if l_value is not None:
        lv = row.get(f"{tag}l")
        out["smallest_diversity"] = int(lv) if lv is not None else None
    out.update(risk_summary(rows, classes, out["smallest_class"]))
    return out


def risk_summary(rows: int, classes: int, smallest: int | None) -> dict:
    """Prosecutor risk: 1/class size of a record; max over records, and mean (= classes/rows)."""
    return {
        "small_class_share": None,  # filled by the caller, who knows which rows are "small"
        "prosecutor_risk_max": round(1.0 / smallest, 6) if smallest else 0.0,
        "prosecutor_risk_mean": round(classes / rows, 6) if rows else 0.0,
    }


@dataclass
class Enforcement:
    """The enforced frame, the class table's measurements and the row counts observed while the
    frame is written (they must agree with the table: no row may miss its class)."""

    frame: DataFrame
    rubric: Rubric
    quasi_identifiers: tuple[str, ...]
    sensitive: str | None
    measured: dict  # _metrics over the class table, "b_" before and "a_" after enforcement
    joined: Observation  # rows that met the class table, and rows that found no class
    written: Observation  # rows released

    def record(self) -> dict:
        """Call after the frame was written: the audit's ``privacy`` section (counts only)."""
        p = self.rubric.privacy
        l_value = p.l if self.sensitive else None
        m = self.measured
        joined, written = self.joined.get, self.written.get
        if (
            int(joined.get("rows") or 0) != int(m.get("b_rows") or 0)
            or int(joined.get("unmatched") or 0)
            or int(written.get("rows") or 0) != int(m.get("a_rows") or 0)
        ):
            raise Refused(
                "k-anonymity's class table does not match the rows written (the input changed "
                "while the job ran?). Nothing was published; re-run."
            )
        before = _summary(m, "b_", p.k, l_value)
        after = _summary(m, "a_", p.k, l_value)
        for part in (before, after):
            part["small_class_share"] = (
                round(part["rows_in_small_classes"] / part["rows"], 6) if part["rows"] else 0.0
            )
        retried = int(m.get("b_small_rows") or 0)
        suppressed = int(m.get("b_suppressed") or 0)
        record = {
            "k": p.k,
            "action": p.action,
            "quasi_identifiers": list(self.quasi_identifiers),
            "absent_quasi_identifiers": [q for q in p.quasi_identifiers if q not in self.quasi_identifiers],
            "k_achieved": after["smallest_class"],
            "classes": after["classes"],
            "small_class_rows_before": before["rows_in_small_classes"],
            "small_class_rows_after": after["rows_in_small_classes"],
            "rows_generalized": retried - suppressed if p.action == "generalize" else 0,
            "rows_suppressed": suppressed,
            "before": before,
            "after": after,
        }
        if p.sensitive:
            record["sensitive"] = p.sensitive
            record["l"] = p.l
            record["l_achieved"] = after.get("smallest_diversity")
        if p.action == "generalize":
            record["generalized_levels"] = {
                q: treatment(self.rubric.column(q).treatment).level_name for q in self.quasi_identifiers
            }
        return record


MAX_BROADCAST_CLASSES = 2_000_000  # above this, the class table joins the rows by a shuffle
COUNT = f"{_P}n"  # rows per class in class_counts


def class_columns(rubric: Rubric, present) -> list[str]:
    """The output columns a class is defined by: the quasi-identifiers (and the sensitive one)."""
    p = rubric.privacy
    if p is None:
        return []
    out = [q for q in p.quasi_identifiers if q in present]
    if p.sensitive and p.sensitive in present:
        out.append(p.sensitive)
    return out


def class_counts(df: DataFrame, rubric: Rubric) -> DataFrame:
    """Rows of ``df`` per (quasi-identifier values[, sensitive value]): what ``enforce`` needs."""
    keys = [F.col(f"`{c}`") for c in class_columns(rubric, set(df.columns))]
    return df.groupBy(*keys).agg(F.count(F.lit(1)).alias(COUNT))


def _set_union(sets: Column) -> Column:
    return F.array_distinct(F.flatten(sets))


def _classes(counts: DataFrame, rubric: Rubric, dtypes, qis, sensitive) -> DataFrame:
    """One row per fine class: its size (and distinct sensitive values); with ``generalize``,
    also its coarse values, whether it is retried or dropped, and the size of its final class.

    All on the class table (one row per class, not per row), with the windows of the former
    row-level plan: the rows are never shuffled or sorted, only joined with this table."""
    p = rubric.privacy
    l_value = p.l if sensitive else None
    fine = [F.col(f"`{q}`") for q in qis]
    if sensitive:  # counts are per (class, sensitive value): one more grouping, by class
        sens_agg = F.collect_set(F.col(f"`{sensitive}`")).alias(f"{_P}s0")
        tab = counts.groupBy(*fine).agg(F.sum(COUNT).alias(f"{_P}c0"), sens_agg)
    else:  # already one row per class
        tab = counts.withColumnRenamed(COUNT, f"{_P}c0")

    def distinct(name: str) -> Column | None:
        return F.size(F.col(name)) if sensitive else None

    def too_small(size: Column, d: Column | None) -> Column:
        return (size < p.k) | (d < l_value) if d is not None else size < p.k

    small = too_small(F.col(f"{_P}c0"), distinct(f"{_P}s0"))
    tab = tab.withColumn(f"{_P}small", small)
    if p.action != "generalize":
        return tab
    coarse_names = [f"{_P}g{i}" for i in range(len(qis))]
    tab = tab.select(
        "*",
        *[
            coarser(F.col(f"`{q}`"), rubric.column(q), dtypes[q]).alias(n)
            for q, n in zip(qis, coarse_names, strict=True)
        ],
    )
    gcols = [F.col(n) for n in coarse_names] or [F.lit(0)]
    is_small = F.col(f"{_P}small")
    w1 = Window.partitionBy(*gcols)
    tab = tab.select(
        "*",
        F.sum(F.when(is_small, F.col(f"{_P}c0")).otherwise(0)).over(w1).alias(f"{_P}c1"),
        *(
            [_set_union(F.collect_list(F.when(is_small, F.col(f"{_P}s0")))).over(w1).alias(f"{_P}s1")]
            if sensitive
            else []
        ),
    )
    tab = tab.withColumn(f"{_P}drop", is_small & too_small(F.col(f"{_P}c1"), distinct(f"{_P}s1")))
    kept = ~F.col(f"{_P}drop")
    released = [
        F.when(is_small, F.col(n)).otherwise(F.col(f"`{q}`")) for q, n in zip(qis, coarse_names, strict=True)
    ]
    wf = Window.partitionBy(*gcols, *released)
    return tab.select(
        "*",
        F.sum(F.when(kept, F.col(f"{_P}c0")).otherwise(0)).over(wf).alias(f"{_P}cf"),
        *(
            [_set_union(F.collect_list(F.when(kept, F.col(f"{_P}s0")))).over(wf).alias(f"{_P}sf")]
            if sensitive
            else []
        ),
    )


def enforce(df: DataFrame, rubric: Rubric, counts: DataFrame | None = None) -> Enforcement | None:
    """``DataFrame -> DataFrame`` (same columns, same order) with the rubric's privacy action.

    ``counts`` is ``class_counts`` of the same rows when the caller has it from another pass
    (the job computes it in its value pass); otherwise it is computed from ``df``. The class
    table is measured here (one small job) and broadcast to the rows when it has at most
    MAX_BROADCAST_CLASSES classes.
    """
    p = rubric.privacy
    if p is None:
        return None
    columns = list(df.columns)
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    qis = tuple(q for q in p.quasi_identifiers if q in dtypes)
    sensitive = p.sensitive if p.sensitive in dtypes else None
    l_value = p.l if sensitive else None
    if counts is None:
        counts = class_counts(df, rubric)
    tab = _classes(counts, rubric, dtypes, qis, sensitive)
    c0, small = F.col(f"{_P}c0"), F.col(f"{_P}small")
    d0 = F.size(F.col(f"{_P}s0")) if sensitive else None
    if p.action == "generalize":
        drop = F.col(f"{_P}drop")
        after_size = F.col(f"{_P}cf")
        after_d = F.size(F.col(f"{_P}sf")) if sensitive else None
    else:
        drop = small if p.action == "suppress" else F.lit(False)
        after_size, after_d = c0, d0
    measured = (
        tab.agg(
            F.count(F.lit(1)).alias("classes_in_table"),
            *_metrics(c0, d0, p.k, l_value, "b_", c0, F.lit(True)),
            F.sum(F.when(drop, c0).otherwise(0)).alias("b_suppressed"),
            *_metrics(after_size, after_d, p.k, l_value, "a_", c0, ~drop),
        )
        .first()
        .asDict()
    )
    if qis:
        tab = tab.withColumnsRenamed({q: f"{_P}q{i}" for i, q in enumerate(qis)})
        cond = None
        for i, q in enumerate(qis):
            c = F.col(f"`{q}`").eqNullSafe(F.col(f"{_P}q{i}"))
            cond = c if cond is None else cond & c
        broadcast = measured["classes_in_table"] <= MAX_BROADCAST_CLASSES
        step = df.join(F.broadcast(tab) if broadcast else tab, on=cond, how="left")
    else:  # no quasi-identifier in the output: every row is one class
        step = df.crossJoin(F.broadcast(tab))
    joined, written = Observation("piimask_privacy_joined"), Observation("piimask_privacy_written")
    step = step.observe(
        joined,
        F.count(F.lit(1)).alias("rows"),
        F.sum(F.when(c0.isNull(), 1).otherwise(0)).alias("unmatched"),
    )
    # a row without its class (c0 null) is never released: the observation fails the run
    released = step.where(c0.isNotNull() & ~drop).observe(written, F.count(F.lit(1)).alias("rows"))
    if p.action == "generalize":
        out = [
            F.when(small, F.col(f"{_P}g{qis.index(c)}")).otherwise(F.col(f"`{c}`")).alias(c)
            if c in qis
            else F.col(f"`{c}`")
            for c in columns
        ]
    else:
        out = [F.col(f"`{c}`") for c in columns]
    return Enforcement(released.select(*out), rubric, qis, sensitive, measured, joined, written)
