"""The fast timestamp path of parse.epoch_seconds gives exactly what Spark's own cast gives."""

import random

from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from piimask.expr import values as parse


def _general(col):
    text = F.trim(col)
    zoned = F.when(text.rlike(parse._ZONE), text).otherwise(F.concat(text, F.lit("Z")))
    iso = text.rlike(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?")
    return F.when(iso, F.unix_seconds(zoned.cast("timestamp")))


EDGES = [
    "2026-03-06T00:33:42+00:00",
    "2025-12-03T09:51:33+05:30",
    "1969-12-31T23:59:59.5-03:30",
    "2024-02-29T12:00:00Z",
    "2023-02-29T12:00:00Z",  # no such day: null on both paths
    "2026-13-01T00:00:00Z",
    "2026-01-01 00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T10:00:00+18:00",
    "2026-01-01T10:00:00-17:59",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999+01:00",
    " 2026-01-01T00:00:00Z ",
    "2026-01-01",
    "2026-01-01T00:00",
    "12345",
    "",
    None,
]


def test_fast_path_equals_spark_cast_in_any_session_time_zone(spark):
    rng = random.Random(5)
    values = list(EDGES)
    for _ in range(2000):
        zone = rng.choice(["Z", "+00:00", "-05:00", "+05:30", "+14:00", "-11:45", "+17:59"])
        values.append(
            f"{rng.randint(1900, 2100):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 31):02d}T"
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{zone}"
        )
    df = spark.createDataFrame([(v,) for v in values], "v string")
    fast = parse.epoch_seconds(F.col("v"), StringType())
    taken = df.where(F.trim(F.col("v")).rlike(parse._FAST)).count()
    assert taken >= 2000  # the random values all take the fast path
    before = spark.conf.get("spark.sql.session.timeZone")
    try:
        for tz in ("UTC", "Asia/Kolkata", "America/St_Johns"):
            spark.conf.set("spark.sql.session.timeZone", tz)
            got = df.select(fast.alias("fast"), _general(F.col("v")).alias("cast")).collect()
            assert [r["fast"] for r in got] == [r["cast"] for r in got]
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)
    known = df.where(F.col("v") == "2025-12-03T09:51:33+05:30").select(fast).first()[0]
    assert known == 1764735693
