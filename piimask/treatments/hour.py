"""hour: a timestamp truncated to the hour in UTC, whatever the session or machine time zone."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, TimestampNTZType, TimestampType

from piimask.expr.values import epoch_seconds
from piimask.expr.windows import utc_date
from piimask.treatments.base import ColumnSpec, DataBrewKeys, Invariant, RowContext, Treatment, bad
from piimask.treatments.databrew import SCRATCH, replace_with, step

__all__ = ["HOUR_FORMAT", "TREATMENT", "UTC_HOUR", "hour_seconds"]

UTC_HOUR = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:00:00(\.0{1,9})?(Z|\+00:00)$"
HOUR_FORMAT = "yyyy-mm-dd HH"  # DataBrew tokens: mm is the month, HH the hour; minutes dropped


def hour_seconds(col: Column, dtype: DataType) -> Column:
    s = epoch_seconds(col, dtype)
    return s - F.pmod(s, F.lit(3600))


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    dtype = ctx.dtypes[spec.name]
    hs = hour_seconds(col, dtype)
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return F.timestamp_seconds(hs).cast(dtype)
    hh = F.lpad((F.pmod(hs, F.lit(86400)) / 3600).cast("int").cast("string"), 2, "0")
    return F.concat(utc_date(hs).cast("string"), F.lit("T"), hh, F.lit(":00:00+00:00"))


def _hour_ok(col: Column, dtype: DataType) -> Column:
    whole_hour = F.pmod(epoch_seconds(col, dtype), F.lit(3600)) == 0
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return whole_hour
    return F.trim(col.cast("string")).rlike(UTC_HOUR) & whole_hour


def _coarser(col: Column, params: Mapping, dtype: DataType) -> Column:
    """The day (UTC), still on the hour."""
    s = epoch_seconds(col, dtype)
    ds = s - F.pmod(s, F.lit(86400))
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return F.timestamp_seconds(ds).cast(dtype)
    return F.concat(utc_date(ds).cast("string"), F.lit("T00:00:00+00:00"))


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    scratch = f"{SCRATCH}{spec.name}"
    return [
        step("DATE_FORMAT", sourceColumn=spec.name, dateTimeFormat=HOUR_FORMAT, targetColumn=scratch),
        *replace_with(spec.name, scratch),
    ]


TREATMENT = Treatment(
    name="hour",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: "truncated to the hour, UTC",
    databrew=_databrew,
    reason="timestamp_not_utc_hour",
    meaning="timestamp not exactly on the hour in UTC",
    invariant=lambda p: Invariant(
        "on the hour, UTC",
        lambda c, d: bad(c, _hour_ok(c, d)),
    ),
    coarser=_coarser,
    coarser_words=lambda name, p: f"`{name}` to the day",
    level_name="day",
    value_type="timestamp",
    required_type="timestamp",
    class_value=True,
)
