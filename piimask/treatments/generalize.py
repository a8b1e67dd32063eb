"""Shared arithmetic of the generalizing treatments: snapping a number to a step, and casting a
generalized value back to the input's type (strings stay strings)."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StringType

__all__ = ["like_input", "on_grid"]


def like_input(value: Column, dtype: DataType, as_string: Column | None = None) -> Column:
    """Cast a generalized value back to the input's type (strings stay strings)."""
    if isinstance(dtype, StringType):
        return as_string if as_string is not None else value.cast("string")
    return value.cast(dtype)


def on_grid(value: Column, step: str) -> Column:
    """``value`` (a decimal) is a multiple of ``step``."""
    step_col = F.lit(step).cast("decimal(20,6)")
    return value == F.floor(value / step_col) * step_col
