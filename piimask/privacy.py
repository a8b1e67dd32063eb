"""k-anonymity (and l-diversity) over the masked output: measure, suppress or generalize.

An equivalence class is the set of output rows sharing the values of the rubric's
``privacy.quasi_identifiers``. Class sizes come from window counts over the masked rows (no row
is collected); the numbers for the audit record come from two Spark ``Observation``\\ s on the
same pass, so enforcement adds no extra job:

* ``report``: measure only.
* ``suppress``: drop the rows of classes smaller than ``k`` (or with fewer than ``l`` distinct
  values of the sensitive attribute).
* ``generalize``: retry only those rows one level coarser (0.01 -> 0.1 degree grid, hour ->
  day, 5 -> 10-year bins, band width doubled; city/state, tokens and kept columns unchanged),
  grouped among themselves, then suppress what is still too small.

With ``generalize`` the rows are shuffled once, by the *coarse* values: that partitioning
already clusters every fine class and every final class, so the three window counts (fine
class, coarse class of the retried rows, final class) are local sorts, not extra shuffles.
A row's final value always coarsens to its coarse value, so grouping by (coarse, final) is
grouping by final value: the sizes measured are exactly those verify.py measures by value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StringType, TimestampNTZType, TimestampType

from .parse import epoch_seconds, to_decimal, to_integer
from .rubric import Column as RubricColumn
from .rubric import Rubric
from .windows import utc_date

__all__ = [
    "Enforcement",
    "class_size_buckets",
    "coarser",
    "enforce",
    "risk_summary",
]

_P = "__pk_"  # prefix of the helper columns (never written)


def _like(value: Column, dtype: DataType) -> Column:
    return value.cast("string") if isinstance(dtype, StringType) else value.cast(dtype)


def _gps(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    p = spec.params["precision"]
    coarse = max(p - 1, 0)
    scale = F.lit(10**coarse).cast("decimal(10,0)")
    # rendered with the fine precision, so "<= p decimals" still holds: 45.52 -> 45.50
    return _like((F.floor(to_decimal(col, dtype) * scale) / scale).cast(f"decimal(12,{p})"), dtype)


def _day(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    s = epoch_seconds(col, dtype)
    ds = s - F.pmod(s, F.lit(86400))
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return F.timestamp_seconds(ds).cast(dtype)
    return F.concat(utc_date(ds).cast("string"), F.lit("T00:00:00+00:00"))  # still on the hour


def _age(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    w = 2 * spec.params["width"]
    return _like(F.floor(to_integer(col, dtype) / w) * w, dtype)


def _band(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    w = spec.params["width"] * 2
    step = F.lit(str(w)).cast("decimal(20,6)")
    banded = F.floor(to_decimal(col, dtype) / step) * step
    return _like(banded.cast("long") if isinstance(w, int) else banded.cast("double"), dtype)


# treatment -> the next coarser level of an already masked value (idempotent: coarse(coarse(x))
# = coarse(x)); a treatment not listed keeps its value at the coarser level.
COARSER: dict[str, Callable[[Column, RubricColumn, DataType], Column]] = {
    "gps_grid": _gps,
    "hour": _day,
    "age_bin": _age,
    "band": _band,
}
LEVEL_NAMES = {
    "gps_grid": "grid 10x coarser",
    "hour": "day",
    "age_bin": "bin twice as wide",
    "band": "band twice as wide",
}


def coarser(col: Column, spec: RubricColumn, dtype: DataType) -> Column:
    fn = COARSER.get(spec.treatment)
    return col if fn is None else F.when(col.isNotNull(), fn(col, spec, dtype))


def class_size_buckets(k: int) -> list[int]:
    """Lower bounds of the class-size histogram's bars; ``k`` is always a boundary."""
    return sorted({1, 2, 3, 4, 5, 10, 20, 50, 100, 1000, 10000, k})


def _bucket_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    return str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}"


def _metrics(size: Column, distinct: Column | None, k: int, l_value: int | None, tag: str) -> list[Column]:
    """Aggregates over rows that know their class size: sum(1/size) counts classes."""
    bounds = class_size_buckets(k)
    small = size < k
    if distinct is not None:
        small = small | (distinct < l_value)
    out = [
        F.count(F.lit(1)).alias(f"{tag}rows"),
        F.sum(1.0 / size).alias(f"{tag}classes"),
        F.min(size).alias(f"{tag}min"),
        F.sum(F.when(small, 1).otherwise(0)).alias(f"{tag}small_rows"),
        F.sum(F.when(size == 1, 1).otherwise(0)).alias(f"{tag}unique_rows"),
    ]
    if distinct is not None:
        out.append(F.min(distinct).alias(f"{tag}l"))
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else None
        inside = (size >= lo) if hi is None else ((size >= lo) & (size < hi))
        out.append(F.sum(F.when(inside, 1.0 / size)).alias(f"{tag}h{i}"))
        out.append(F.sum(F.when(inside, 1).otherwise(0)).alias(f"{tag}r{i}"))
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
    """The enforced frame and the observations that fill the audit's ``privacy`` record."""

    frame: DataFrame
    rubric: Rubric
    quasi_identifiers: tuple[str, ...]
    sensitive: str | None
    before: Observation
    after: Observation

    def record(self) -> dict:
        """Call after the frame was written: the audit's ``privacy`` section (counts only)."""
        p = self.rubric.privacy
        l_value = p.l if self.sensitive else None
        before = _summary(self.before.get, "b_", p.k, l_value)
        after = _summary(self.after.get, "a_", p.k, l_value)
        for part in (before, after):
            part["small_class_share"] = (
                round(part["rows_in_small_classes"] / part["rows"], 6) if part["rows"] else 0.0
            )
        b = self.before.get
        retried = int(b.get("b_small_rows") or 0)
        suppressed = int(b.get("b_suppressed") or 0)
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
                q: LEVEL_NAMES.get(self.rubric.column(q).treatment, "unchanged")
                for q in self.quasi_identifiers
            }
        return record


def enforce(df: DataFrame, rubric: Rubric) -> Enforcement | None:
    """``DataFrame -> DataFrame`` (same columns) with the rubric's privacy action applied."""
    p = rubric.privacy
    if p is None:
        return None
    columns = list(df.columns)
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    qis = tuple(q for q in p.quasi_identifiers if q in dtypes)
    sensitive = p.sensitive if p.sensitive in dtypes else None
    l_value = p.l if sensitive else None
    fine = [F.col(f"`{q}`") for q in qis] or [F.lit(0)]
    sens = F.col(f"`{sensitive}`") if sensitive else None
    before, after = Observation("piimask_privacy_before"), Observation("piimask_privacy_after")

    def too_small(size: Column, distinct: Column | None) -> Column:
        return (size < p.k) | (distinct < l_value) if distinct is not None else size < p.k

    if p.action != "generalize":
        w0 = Window.partitionBy(*fine)
        step = df.select(
            "*",
            F.count(F.lit(1)).over(w0).alias(f"{_P}c0"),
            *([F.size(F.collect_set(sens).over(w0)).alias(f"{_P}d0")] if sens is not None else []),
        )
        size0 = F.col(f"{_P}c0")
        d0 = F.col(f"{_P}d0") if sens is not None else None
        small = too_small(size0, d0)
        drop = small if p.action == "suppress" else F.lit(False)
        step = step.observe(
            before,
            *_metrics(size0, d0, p.k, l_value, "b_"),
            F.sum(F.when(drop, 1).otherwise(0)).alias("b_suppressed"),
        )
        kept = step.where(~drop)
        kept = kept.observe(after, *_metrics(size0, d0, p.k, l_value, "a_"))
        return Enforcement(
            kept.select(*[F.col(f"`{c}`") for c in columns]), rubric, qis, sensitive, before, after
        )

    coarse_names = [f"{_P}g{i}" for i in range(len(qis))]
    coarse = [
        coarser(F.col(f"`{q}`"), rubric.column(q), dtypes[q]).alias(n)
        for q, n in zip(qis, coarse_names, strict=True)
    ]
    gcols = [F.col(n) for n in coarse_names] or [F.lit(0)]
    step = df.select("*", *coarse).repartition(*gcols)
    w0 = Window.partitionBy(*gcols, *fine)
    step = step.select(
        "*",
        F.count(F.lit(1)).over(w0).alias(f"{_P}c0"),
        *([F.size(F.collect_set(sens).over(w0)).alias(f"{_P}d0")] if sens is not None else []),
    )
    size0 = F.col(f"{_P}c0")
    d0 = F.col(f"{_P}d0") if sens is not None else None
    step = step.withColumn(f"{_P}small", too_small(size0, d0))
    small = F.col(f"{_P}small")
    w1 = Window.partitionBy(*gcols)
    step = step.select(
        "*",
        F.sum(F.when(small, 1).otherwise(0)).over(w1).alias(f"{_P}c1"),
        *([F.size(F.collect_set(F.when(small, sens)).over(w1)).alias(f"{_P}d1")] if sens is not None else []),
    )
    d1 = F.col(f"{_P}d1") if sens is not None else None
    drop = small & too_small(F.col(f"{_P}c1"), d1)
    step = step.observe(
        before,
        *_metrics(size0, d0, p.k, l_value, "b_"),
        F.sum(F.when(drop, 1).otherwise(0)).alias("b_suppressed"),
    )
    released = step.where(~drop).select(
        *[
            F.when(small, F.col(coarse_names[qis.index(c)])).otherwise(F.col(f"`{c}`")).alias(c)
            if c in qis
            else F.col(f"`{c}`")
            for c in columns
        ],
        *gcols,
    )
    wf = Window.partitionBy(*gcols, *fine)
    final = released.select(
        "*",
        F.count(F.lit(1)).over(wf).alias(f"{_P}cf"),
        *([F.size(F.collect_set(sens).over(wf)).alias(f"{_P}df")] if sens is not None else []),
    )
    df_col = F.col(f"{_P}df") if sens is not None else None
    final = final.observe(after, *_metrics(F.col(f"{_P}cf"), df_col, p.k, l_value, "a_"))
    return Enforcement(
        final.select(*[F.col(f"`{c}`") for c in columns]), rubric, qis, sensitive, before, after
    )
