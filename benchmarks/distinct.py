"""A copy of the job's output whose free-text cells are all distinct: verify's harder case.

verify checks each distinct value once. Generated notes repeat once their identifiers are
placeholders (66 distinct masked notes at 1M rows), so on the benchmark's own output verify's
detectors and leak scan see few texts; real operator notes rarely repeat. ``distinct_text``
appends to every non-null cell of the free-text columns one word of letters made from the row's
position (" ref q" and the position in base 26 written with a to z), which no detector finds, so
verify runs the same checks on as many distinct texts as there are rows. Kept in
``benchmarks/`` only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.rubric import Rubric
from piimask.storage.audit import AUDIT_DIR

__all__ = ["copy", "distinct_text", "text_columns"]


def text_columns(df: DataFrame, rubric: Rubric) -> list[str]:
    """The output's free-text columns (the rubric's ``redact`` columns present in ``df``)."""
    return [s.name for s in rubric.with_treatment("redact") if s.name in df.columns]


def distinct_text(df: DataFrame, columns: list[str]) -> DataFrame:
    """``df`` with a word unique to the row appended to each non-null cell of ``columns``."""
    position = F.conv(F.monotonically_increasing_id().cast("string"), 10, 26)  # 0-9, A-P
    word = F.translate(F.lower(position), "0123456789abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz")
    suffix = F.concat(F.lit(" ref q"), word)
    return df.select(
        *[F.concat(F.col(f"`{c}`"), suffix).alias(c) if c in columns else F.col(f"`{c}`") for c in df.columns]
    )


def copy(spark: SparkSession, output: str, target: str, rubric: Rubric) -> None:
    """Write ``distinct_text`` of the Parquet output at ``output`` to ``target``, with its audit."""
    df = spark.read.parquet(output)
    distinct_text(df, text_columns(df, rubric)).write.mode("overwrite").parquet(target)
    shutil.copytree(Path(output) / AUDIT_DIR, Path(target) / AUDIT_DIR, dirs_exist_ok=True)
