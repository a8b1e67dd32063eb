"""Writing the generated rows and labels: Spark's part files, or one file from the driver."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pyspark.sql import DataFrame

from piimask.tools.generate.pools import FORMATS, GenerateError

__all__ = ["write", "write_labels"]


def write(df: DataFrame, path: str | Path, fmt: str = "parquet", single_file: bool = False) -> None:
    """Write with Spark (a directory of part files), or as one RFC-4180 CSV file from the driver
    when ``single_file`` (small outputs only: the rows are collected)."""
    if fmt not in FORMATS:
        raise GenerateError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
    path = str(path)
    if single_file:
        if fmt != "csv":
            raise GenerateError(f"--single-file writes CSV only, got --format {fmt}.")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(df.columns)
            for row in df.toLocalIterator():
                writer.writerow(["" if v is None else v for v in row])
        return
    writer = df.write.mode("overwrite")
    if fmt == "csv":
        writer.option("header", True).option("escape", '"').csv(path)
    elif fmt == "json":
        writer.json(path)
    else:
        writer.parquet(path)


def write_labels(labels: DataFrame, path: str | Path, single_file: bool = False) -> None:
    """The ground truth as JSON lines {row, start, end, type, text}: one file, or Spark's dir."""
    path = str(path)
    if not single_file:
        labels.write.mode("overwrite").json(path)
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for row in labels.toLocalIterator():
            out.write(json.dumps(row.asDict(), ensure_ascii=False) + "\n")
