"""Where a measured step's CPU time goes: JFR execution samples summed by category.

``python -m benchmarks.profile_shares RECORDING.jfr`` prints each category's share of the Java
samples of a recording made with ``JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=F,settings=profile``
(the benchmark's ``--profile`` does that for the masking steps). A sample counts for the first
frame, from the top of its stack, whose class falls in a category: self time by kind of work,
not a guess from phase timers. Samples of Spark's own threads and of threads that were waiting
are in the recording too; only executor task threads are counted.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter

# first match wins, tested from the top frame down; order matters where packages nest
CATEGORIES = (
    ("hmac (jar)", ("io.piimask.spark.HmacSha256", "io.piimask.spark.SparkHmac")),
    ("sha-256", ("sun.security.provider.SHA", "sun.security.provider.DigestBase")),
    ("free-text engine (jar)", ("io.piimask.spark.text.",)),
    (
        "python workers (spaCy, UDFs)",
        ("org.apache.spark.api.python.", "org.apache.spark.sql.execution.python."),
    ),
    ("regular expressions", ("java.util.regex.",)),
    (
        "parquet write",
        (
            "org.apache.parquet.column.",
            "org.apache.parquet.hadoop.InternalParquetRecordWriter",
            "org.apache.parquet.hadoop.ColumnChunkPageWriteStore",
            "org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport",
            "org.apache.parquet.bytes.",
            "org.apache.parquet.io.api.",
        ),
    ),
    (
        "parquet read",
        (
            "org.apache.spark.sql.execution.datasources.parquet.Vectorized",
            "org.apache.spark.sql.execution.datasources.parquet.ParquetReadSupport",
            "org.apache.parquet.hadoop.ParquetFileReader",
            "org.apache.parquet.",
        ),
    ),
    ("compression", ("org.xerial.snappy.", "org.apache.hadoop.io.compress.", "com.github.luben.zstd")),
    ("iceberg", ("org.apache.iceberg.",)),
    (
        "shuffle and sort",
        (
            "org.apache.spark.shuffle.",
            "org.apache.spark.util.collection.",
            "org.apache.spark.sql.execution.UnsafeExternalRowSorter",
            "org.apache.spark.unsafe.map.",
            "org.apache.spark.storage.",
            "org.apache.spark.serializer.",
            "net.jpountz.lz4.",
        ),
    ),
    ("aggregation", ("org.apache.spark.sql.execution.aggregate.",)),
    (
        "timestamp and number parsing",
        (
            "org.apache.spark.sql.catalyst.util.DateTimeUtils",
            "org.apache.spark.sql.catalyst.util.SparkDateTimeUtils",
            "java.time.",
            "java.math.",
            "org.apache.spark.sql.types.Decimal",
        ),
    ),
    ("string functions", ("org.apache.spark.unsafe.types.UTF8String",)),
    ("generated row code (expressions, projection)", ("GeneratedClass",)),
    ("file system", ("org.apache.hadoop.fs.", "java.io.", "sun.nio.")),
)
TASK_THREAD = re.compile(r"Executor task launch worker")
# the whole-stage-generated iterator a sample runs under: which pass of the job it belongs to
STAGE = re.compile(r"GeneratedIteratorForCodegenStage(\d+)")
# frames that mean the sample is in the writer or the run's observation, whatever stage feeds them
OUTSIDE_STAGES = (
    ("parquet write", ("ParquetWriteSupport", "InternalParquetRecordWriter", "FileFormatWriter")),
    ("observation (CollectMetrics)", ("CollectMetrics", "AggregatingAccumulator")),
)


def classify(frames: list[str]) -> str:
    for frame in frames:
        for name, prefixes in CATEGORIES:
            if any(p in frame for p in prefixes):
                return name
    return "other"


def samples(path: str):
    """(thread, frames) of each jdk.ExecutionSample in the recording, frames top first."""
    text = subprocess.run(
        ["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "40", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for block in text.split("jdk.ExecutionSample")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = re.findall(r"^\s+([\w$.<>]+)\(", block, re.M)
        yield (thread.group(1) if thread else ""), frames


def stage_of(frames: list[str]) -> str:
    """The codegen stage whose iterator is nearest the top of the stack, unless the writer or the
    observation comes first (they pull rows from a stage but are not its expressions)."""
    for frame in frames:
        for name, marks in OUTSIDE_STAGES:
            if any(m in frame for m in marks):
                return name
        found = STAGE.search(frame)
        if found:
            return f"codegen stage {found.group(1)}"
    return "other"


def shares(path: str, by_stage: bool = False) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for thread, frames in samples(path):
        if TASK_THREAD.search(thread):
            counts[stage_of(frames) if by_stage else classify(frames)] += 1
    total = sum(counts.values()) or 1
    return {k: round(v / total, 3) for k, v in counts.most_common()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("recording")
    p.add_argument(
        "--by-stage",
        action="store_true",
        help="group by whole-stage codegen stage (a pass of the job) instead of kind of work",
    )
    args = p.parse_args(argv)
    for name, share in shares(args.recording, args.by_stage).items():
        print(f"{share:6.1%}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
