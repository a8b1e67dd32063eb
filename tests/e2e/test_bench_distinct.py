"""The benchmark's distinct-notes copy: every note distinct, nothing else changed, verify passes.

If the appended word tripped a detector or the leak scan, the benchmark's verify-distinct step
would time a failing verify; if it left notes repeating, it would not measure verify's harder case.
"""

from __future__ import annotations

from generated_run import generated_run
from pyspark.sql import functions as F

from benchmarks.distinct import copy, text_columns
from piimask.rubric import load_rubric
from piimask.verify import verify


def test_distinct_copy_makes_every_note_distinct_and_still_verifies(spark, tmp_path):
    done = generated_run(spark, tmp_path, 600, seed=9, malformed_rate=0.0)
    output, rubric = done.output, load_rubric(done.rubric)
    target = str(tmp_path / "distinct")
    copy(spark, output, target, rubric)

    before, after = spark.read.parquet(output), spark.read.parquet(target)
    notes = text_columns(before, rubric)
    assert notes == ["operator_notes"]
    assert before.columns == after.columns
    other = [c for c in before.columns if c not in notes]
    assert before.select(*other).exceptAll(after.select(*other)).count() == 0
    assert after.count() == before.count()
    n = after.where(F.col("operator_notes").isNotNull()).count()
    assert n > 0
    assert after.select("operator_notes").distinct().where(F.col("operator_notes").isNotNull()).count() == n
    assert before.select("operator_notes").distinct().count() < n  # the job's notes repeat
    # nulls stay null
    assert (
        after.where(F.col("operator_notes").isNull()).count()
        == before.where(F.col("operator_notes").isNull()).count()
    )

    report = verify(
        spark,
        done.rubric,
        target,
        raw=done.source,
        raw_format="parquet",
        quarantine=done.quarantine,
        keyring=done.keyring,
    )
    assert report.passed, report.table()
