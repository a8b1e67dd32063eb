"""The benchmark's floor does the job's keyed work exactly: the same digests and tokens.

A floor that hashed less, or differently, would understate what the rubric costs; this test keeps
it honest.
"""

from __future__ import annotations

from generated_run import generated_run
from pyspark.sql import functions as F

from benchmarks.floor import KEYED, build
from piimask.keys.keyring import load
from piimask.rubric import load_rubric


def test_floor_digests_and_tokens_equal_the_jobs(spark, tmp_path):
    done = generated_run(spark, tmp_path, 400, seed=5, malformed_rate=0.05)
    source, keyring, record = done.source, done.keyring, done.record
    rubric = load_rubric(done.rubric)
    keyed = [c.name for c in rubric.columns if c.treatment in KEYED]
    assert {c.treatment for c in rubric.columns if c.name in keyed} == set(KEYED)
    assert len(keyed) >= 6

    raw = spark.read.parquet(source)
    floor = build(raw, rubric, load(keyring))
    assert floor.columns == raw.columns  # nothing dropped, nothing added
    assert floor.count() == 400  # every row, valid or not

    job = spark.read.parquet(done.output)
    assert job.count() == record["counts"]["rows_out"] > 300
    rows = job.select(*keyed).alias("j").join(floor.select(*keyed).alias("f"), on="event_id")
    assert rows.count() == job.count()  # each output digest of event_id is in the floor
    for name in keyed:
        if name != "event_id":
            differ = rows.where(~F.col(f"j.{name}").eqNullSafe(F.col(f"f.{name}"))).count()
            assert differ == 0, name
    # and the rest is copied unchanged
    unchanged = [c for c in raw.columns if c not in keyed]
    assert floor.select(*unchanged).exceptAll(raw.select(*unchanged)).count() == 0
