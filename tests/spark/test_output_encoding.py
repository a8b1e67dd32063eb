"""The masked output keeps its keyed digests dictionary-encoded (smaller files, cheaper writes)."""

from __future__ import annotations

import hashlib

import pyarrow.parquet as pq

from piimask.frames.read import output_writer


def test_digests_with_more_distinct_values_than_parquets_default_dictionary_stay_encoded(spark, tmp_path):
    # 30,000 distinct 64-character digests: 1.9 MB of dictionary, past Parquet's 1 MiB default
    # page, where the writer fell back to writing every value in full
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(30_000)]
    df = spark.createDataFrame([(d,) for d in digests for _ in range(2)], "operator_email string")
    output_writer(df.coalesce(1), "parquet").save(str(tmp_path / "out"))
    (part,) = (tmp_path / "out").glob("*.parquet")
    meta = pq.ParquetFile(part).metadata
    for g in range(meta.num_row_groups):
        chunk = meta.row_group(g).column(0)
        assert chunk.has_dictionary_page
        assert "PLAIN" not in chunk.encodings, chunk.encodings  # no fallback to plain pages
    assert sorted(pq.read_table(part).column(0).to_pylist()) == sorted(digests * 2)
