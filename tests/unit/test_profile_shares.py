"""The profile's grouping: a JFR sample's frames (top first) to a kind of work or a job stage."""

from __future__ import annotations

from benchmarks.profile_shares import classify, stage_of

GEN = "org.apache.spark.sql.catalyst.expressions.GeneratedClass$GeneratedIteratorForCodegenStage"


def test_a_sample_counts_for_the_nearest_stage_unless_the_writer_or_observation_comes_first():
    regex_in_stage_7 = ["java.util.regex.Matcher.reset", f"{GEN}7.processNext", f"{GEN}2.processNext"]
    assert stage_of(regex_in_stage_7) == "codegen stage 7"
    assert classify(regex_in_stage_7) == "regular expressions"
    writing = [
        "org.apache.parquet.column.values.dictionary.DictionaryValuesWriter.writeBytes",
        "org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport.write",
        f"{GEN}6.processNext",
    ]
    assert stage_of(writing) == "parquet write"
    observed = [
        "org.apache.spark.unsafe.types.UTF8String.indexOf",
        "org.apache.spark.sql.execution.AggregatingAccumulator.add",
        "org.apache.spark.sql.execution.CollectMetricsExec.anonfun",
        f"{GEN}5.processNext",
    ]
    assert stage_of(observed) == "observation (CollectMetrics)"
    assert classify(observed) == "string functions"
    assert stage_of(["java.lang.Thread.run"]) == "other"
