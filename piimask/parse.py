"""Parsing raw values into typed Spark columns, independent of the session time zone.

Each parser returns null for a value it cannot parse; validation turns that null (where the raw
value was present) into a quarantine reason, so a treatment never emits a silent null.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, NumericType, StringType, TimestampNTZType, TimestampType

__all__ = ["ADDRESS_PATTERN", "epoch_seconds", "to_decimal", "to_integer"]

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
    return F.when(iso, F.unix_seconds(zoned.cast("timestamp")))


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
