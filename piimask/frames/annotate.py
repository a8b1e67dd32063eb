"""The input with what every pass needs beside its columns: quarantine reasons and key window."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from piimask.frames.keys import WINDOW, window_column
from piimask.frames.validation import reasons_column
from piimask.rubric import Rubric

__all__ = ["REASONS", "annotate", "is_valid"]

REASONS = "_reasons"  # array<string> of a row's quarantine reason codes; empty when valid


def annotate(df: DataFrame, rubric: Rubric) -> DataFrame:
    """Add the row's quarantine reasons and its key window (UTC) to the input."""
    dtypes = {f.name: f.dataType for f in df.schema.fields}
    reasons = reasons_column(rubric, dtypes)
    return df.withColumn(REASONS, reasons).withColumn(WINDOW, window_column(df, rubric))


def is_valid() -> Column:
    """True on an annotated row that passed every validation."""
    return F.size(F.col(REASONS)) == 0
