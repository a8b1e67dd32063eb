"""Parsing raw values into typed Spark columns, independent of the session time zone.

Each parser returns null for a value it cannot parse; validation turns that null (where the raw
value was present) into a quarantine reason, so a treatment never emits a silent null.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, NumericType, StringType, TimestampNTZType, TimestampType

__all__ = ["ADDRESS_PATTERN", "ascii_substring", "epoch_seconds", "to_decimal", "to_integer"]

# ".., City, ST 97209" or "City, ST": the city holds no digit; ZIP and country are optional.
ADDRESS_PATTERN = (
    r"^(?:.*,)?\s*([^,\d]+?)\s*,\s*([A-Za-z]{2})\.?(?:\s+\d{5}(?:-\d{4})?)?"
    r"\s*(?:,\s*(?:USA|US|United States))?\s*$"
)
_ZONE = r"(?i)(Z|UTC|GMT|[+-]\d{2}(:?\d{2})?)$"
_INTEGER = r"^\s*[+-]?\d+\s*$"


def epoch_seconds(col: Column, dtype: DataType) -> Column:
    """Whole seconds since the epoch (UTC). A string without a zone designator is read as UTC."""
    if isinstance(dtype, TimestampType):
        return F.unix_seconds(col)
    if isinstance(dtype, TimestampNTZType):  # wall clock without zone: read as UTC
        return F.unix_seconds(F.to_utc_timestamp(col.cast("timestamp"), "UTC"))
    text = F.trim(col.cast("string"))
    zoned = F.when(text.rlike(_ZONE), text).otherwise(F.concat(text, F.lit("Z")))
    # only ISO-8601 date-times: a bare number or word never becomes a time
    iso = text.rlike(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?")
    general = F.when(iso, F.unix_seconds(zoned.cast("timestamp")))
    # Fast path for the common shape, in integer arithmetic: Spark's string-to-timestamp cast
    # resolves the zone per row and costs ~25 us a value. Anything else (or an impossible date,
    # which make_date turns into null) takes the general path, so results are identical.
    fast = text.rlike(_FAST)
    return F.when(fast, F.coalesce(_fast_seconds(text), general)).otherwise(general)


# yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:MM) with in-range fields; the fraction never changes the
# whole seconds (unix_seconds floors, and the fraction is a non-negative addition).
_FAST = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-7]):[0-5]\d)$"


def ascii_substring(text: Column, pos: int, length: int) -> Column:
    """``substring(text, pos, length)`` for text known to be ASCII (a digest, a matched ISO time),
    sliced as bytes. Spark's string substring counts the characters of the whole string on every
    call (to resolve negative positions) and walks to the start again, which made the timestamp
    fast path's eleven slices a visible share of the masking projection (same results)."""
    return F.substring(text.cast("binary"), pos, length).cast("string")


def _fast_seconds(text: Column) -> Column:
    def part(pos: int, length: int) -> Column:
        return ascii_substring(text, pos, length).cast("int")

    days = F.unix_date(F.make_date(part(1, 4), part(6, 2), part(9, 2))).cast("long")
    clock = part(12, 2) * 3600 + part(15, 2) * 60 + part(18, 2)
    utc = text.endswith("Z")
    sign = F.when(ascii_substring(text, -6, 1) == "-", F.lit(-1)).otherwise(F.lit(1))
    offset = F.when(utc, F.lit(0)).otherwise(sign * (part(-5, 2) * 3600 + part(-2, 2) * 60))
    return days * 86400 + clock - offset


def to_decimal(col: Column, dtype: DataType) -> Column:
    """An exact decimal (no binary float noise); null when the text is not a finite number."""
    if isinstance(dtype, NumericType):
        return col.cast("decimal(38,12)")
    text = F.trim(col.cast("string"))
    return F.when(text.rlike(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"), text.cast("decimal(38,12)"))


def to_integer(col: Column, dtype: DataType) -> Column:
    if isinstance(dtype, NumericType):
        d = col.cast("decimal(38,12)")
        return F.when(d == F.floor(d), d.cast("long"))
    text = col.cast("string")
    return F.when(text.rlike(_INTEGER), F.trim(text).cast("long"))


def is_string(dtype: DataType) -> bool:
    return isinstance(dtype, StringType)
