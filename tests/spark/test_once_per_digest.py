"""A table run's new rows, each digest once (``job.table.once_per_digest``): only the rows whose
digest repeats are de-duplicated, the others pass through untouched."""

from __future__ import annotations

from pyspark.sql import functions as F

from piimask.job.table import once_per_digest
from piimask.storage.iceberg import ROW_DIGEST


def _rows(spark, digests: list[str]):
    data = [(d, f"row{i}", i) for i, d in enumerate(digests)]
    return spark.createDataFrame(data, [ROW_DIGEST, "payload", "i"])


def test_repeated_digests_are_kept_once_and_the_others_untouched(spark):
    new = _rows(spark, ["a", "a", "b", "c", "c", "c", "d"])
    once, n = once_per_digest(new)
    got = once.collect()
    assert n == 4 and len(got) == 4
    assert sorted(r[ROW_DIGEST] for r in got) == ["a", "b", "c", "d"]
    # a kept row is one of its digest's rows, whole (not a mix of two rows' columns)
    by_row = {r["payload"]: (r[ROW_DIGEST], r["i"]) for r in new.collect()}
    assert all(by_row[r["payload"]] == (r[ROW_DIGEST], r["i"]) for r in got)
    assert {r["payload"] for r in got if r[ROW_DIGEST] in "bd"} == {"row2", "row6"}


def test_no_repeat_returns_the_rows_as_they_are(spark):
    new = _rows(spark, ["a", "b", "c"])
    once, n = once_per_digest(new)
    assert n == 3 and once is new
    empty, none = once_per_digest(new.where(F.lit(False)))
    assert none == 0 and empty.count() == 0
