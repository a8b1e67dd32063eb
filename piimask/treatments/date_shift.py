"""The date_shift treatment: move a date or timestamp by a keyed, per-entity offset.

offset (days) = HMAC-SHA256(token key, "date_shift:<entity column>:" + entity value), its first
32 bits taken mod (2 * max_days + 1), minus max_days: a whole number of days in
[-max_days, +max_days]. Every event of one entity moves by the same offset, so the intervals
between that entity's events are kept while the true dates are hidden; without the token key the
offset cannot be recomputed. Rows whose entity is null share one keyed offset. Native Spark only.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, DateType, TimestampNTZType, TimestampType

from piimask.errors import Refused
from piimask.expr.hmac import hmac_sha256_hex
from piimask.expr.values import ascii_substring, epoch_seconds
from piimask.expr.windows import utc_date
from piimask.treatments.base import ColumnSpec, DataBrewKeys, Param, ParamError, RowContext, Treatment

__all__ = ["MAX_SHIFT_DAYS", "NULL_ENTITY", "TREATMENT", "offset_days", "shift"]

MAX_SHIFT_DAYS = 3650
NULL_ENTITY = "\u0000null"  # what a null entity is keyed as (no real value contains NUL)
_DAY = 86400


def offset_days(entity: Column, entity_column: str, max_days: int, ipad: Column, opad: Column) -> Column:
    """The entity's offset in whole days, in [-max_days, max_days] (an int column)."""
    label = F.lit(f"date_shift:{entity_column}:")
    value = F.coalesce(entity.cast("string"), F.lit(NULL_ENTITY))
    digest = hmac_sha256_hex(F.concat(label, value), ipad, opad)
    bits = F.conv(ascii_substring(digest, 1, 8), 16, 10).cast("long")  # 32 bits, unsigned
    return (F.pmod(bits, F.lit(2 * max_days + 1)) - F.lit(max_days)).cast("int")


def _iso_utc(seconds: Column) -> Column:
    """yyyy-MM-ddTHH:mm:ss+00:00 for epoch seconds, whatever the session time zone."""
    tod = F.pmod(seconds, F.lit(_DAY))
    parts = [F.lpad((v).cast("int").cast("string"), 2, "0") for v in (tod / 3600, F.pmod(tod, 3600) / 60)]
    sec = F.lpad(F.pmod(tod, 60).cast("int").cast("string"), 2, "0")
    return F.concat(
        utc_date(seconds).cast("string"),
        F.lit("T"),
        parts[0],
        F.lit(":"),
        parts[1],
        F.lit(":"),
        sec,
        F.lit("+00:00"),
    )


def shift(col: Column, dtype: DataType, days: Column) -> Column:
    """``col`` moved by ``days``: dates stay dates, timestamps keep their precision and type.

    A string input is read as ISO-8601 (UTC when it has no zone); a date-only string stays a date
    string, anything else becomes ``yyyy-MM-ddTHH:mm:ss+00:00`` (whole seconds).
    """
    if isinstance(dtype, DateType):
        return F.date_add(col, days)
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return col + F.make_dt_interval(days=days)
    text = F.trim(col.cast("string"))
    seconds = epoch_seconds(col, dtype) + days.cast("long") * _DAY
    date_only = text.rlike(r"^\d{4}-\d{2}-\d{2}$")
    return F.when(date_only, F.date_add(text.cast("date"), days).cast("string")).otherwise(_iso_utc(seconds))


def _normalize(params: dict, column: str) -> dict:
    import re

    if params["entity"] is None or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", params["entity"]):
        raise ParamError(
            "entity", "the name of the rubric column whose value keys the offset", params["entity"]
        )
    if params["max_days"] is None or not 1 <= params["max_days"] <= MAX_SHIFT_DAYS:
        raise ParamError("max_days", f"an integer from 1 to {MAX_SHIFT_DAYS}", params["max_days"])
    return params


def _references(params, column: str, names: set[str]) -> None:
    if params["entity"] not in names or params["entity"] == column:
        raise ParamError("entity", "another column listed under columns", params["entity"])


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    p = spec.params
    days = offset_days(ctx.raw(p["entity"]), p["entity"], p["max_days"], ctx.token_ipad, ctx.token_opad)
    return shift(col, ctx.dtypes[spec.name], days)


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    raise Refused(
        f"column {spec.name!r} uses treatment date_shift, which has no DataBrew rendering (DataBrew "
        "has no keyed per-entity date offset). Mask this dataset with the Glue job, or give the "
        "column another sensitive treatment (hour, drop) before generating a recipe."
    )


TREATMENT = Treatment(
    name="date_shift",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: (
        f"shifted by a keyed per-`{p['entity']}` offset within ±{p['max_days']} days (intervals kept)"
    ),
    databrew=_databrew,
    params=(Param("entity", str), Param("max_days", int)),
    normalize=_normalize,
    references=_references,
    required_type="timestamp",
    keyed=True,
)
