"""The free-text engine measured on a labelled note corpus (the format of eval/notes/dev.jsonl).

    python -m benchmarks.freetext_eval --data eval/notes/dev.jsonl [--jar JAR] [--json OUT]
        [--runner spark|java] [--native] [--misses]

Redacts every note (through Spark with the jar's UDF by default; ``--runner java`` pipes the
notes through the jar's Cli instead, for a quick look), then scores:

* per-type and overall recall: a labelled span counts as caught only when none of its letters or
  digits survive (each of those characters lies inside a redacted range);
* character precision: redacted characters inside a labelled span / all redacted characters (a
  placeholder counts as the original characters it replaced);
* the number of notes without PII that the redaction altered.

``--native`` scores the existing native detectors (piimask.treatments.freetext.redaction) the
same way. Misses are listed by type and note id only; no note text is ever printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from piimask.tools.corpus import load_notes, markers, score_notes, spans_of

__all__ = [
    "load_notes",
    "main",
    "markers",
    "redact_cascade",
    "redact_java",
    "redact_native",
    "redact_spark",
    "score_notes",
    "spans_of",
]


def redact_java(notes: list[dict], jar: str, config: str) -> list[str]:
    """The notes redacted by the jar's Cli (one JVM, no Spark)."""
    lines = "".join(n["text"].replace("\n", "\\n") + "\n" for n in notes)
    out = subprocess.run(
        ["java", "-cp", jar, "io.piimask.spark.text.Cli", config],
        input=lines.encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [line.replace("\\n", "\n") for line in out.split("\n")[: len(notes)]]


def redact_spark(spark, notes: list[dict], config: str) -> list[str]:
    """The notes redacted by the piimask_redact UDF (the jar must be on the session's class path)."""
    from piimask.treatments.freetext.engine import redact

    df = spark.createDataFrame([(n["id"], n["text"]) for n in notes], "id string, text string")
    rows = df.select("id", redact("text", config).alias("r")).collect()
    by_id = {r["id"]: r["r"] for r in rows}
    return [by_id[n["id"]] for n in notes]


def redact_cascade(spark, notes: list[dict], config: str) -> list[str]:
    """The notes redacted by the cascade: the engine, then the NER model on undecided notes."""
    from piimask.treatments.freetext.cascade import redact_undecided
    from piimask.treatments.freetext.engine import redact

    df = spark.createDataFrame([(n["id"], n["text"]) for n in notes], "id string, text string")
    red = redact_undecided(df["text"], redact("text", config), config, markers())
    by_id = {r["id"]: r["r"] for r in df.select("id", red.alias("r")).collect()}
    return [by_id[n["id"]] for n in notes]


def redact_native(spark, notes: list[dict]) -> list[str]:
    """The notes redacted by the existing native detectors (every detector, default serial regex)."""
    from pyspark.sql import functions as F

    from piimask.treatments.freetext.detectors import DETECTOR_NAMES
    from piimask.treatments.freetext.redaction import redact_text
    from piimask.treatments.redact import DEFAULT_SERIAL_PATTERN

    df = spark.createDataFrame([(n["id"], n["text"]) for n in notes], "id string, text string")
    red = redact_text(F.col("text"), DETECTOR_NAMES, DEFAULT_SERIAL_PATTERN, markers())
    by_id = {r["id"]: r["r"] for r in df.select("id", red.alias("r")).collect()}
    return [by_id[n["id"]] for n in notes]


def undecided_share(spark, notes: list[dict], config: str) -> float:
    from piimask.treatments.freetext.engine import undecided

    df = spark.createDataFrame([(n["text"],) for n in notes], "text string")
    flagged = df.where(undecided("text", config)).count()
    return round(flagged / len(notes), 4)


def spark_throughput(spark, notes: list[dict], config: str, copies: int) -> dict:
    """Notes per second through Spark: the notes repeated ``copies`` times (each copy made distinct
    by a suffix), redacted and written to the noop sink; the plain copy is timed too, and the
    difference is the engine's share."""
    import time

    from pyspark.sql import functions as F

    from piimask.treatments.freetext.engine import redact

    texts = spark.createDataFrame([(n["text"],) for n in notes], "text string")
    df = (
        texts.crossJoin(spark.range(copies).withColumnRenamed("id", "copy"))
        .select(F.concat("text", F.lit(" #"), F.col("copy").cast("string")).alias("text"))
        .repartition(2)
        .cache()
    )
    rows = df.count()
    timings, cpu = {}, {}
    for name, col in (("plain", F.col("text")), ("engine", redact("text", config))):
        df.select(col.alias("r")).write.format("noop").mode("overwrite").save()  # warm-up
        start, cpu_start = time.perf_counter(), _jvm_cpu_seconds(spark)
        df.select(col.alias("r")).write.format("noop").mode("overwrite").save()
        timings[name] = time.perf_counter() - start
        cpu[name] = _jvm_cpu_seconds(spark) - cpu_start
    df.unpersist()
    return {
        "rows": rows,
        "seconds": round(timings["engine"], 2),
        "plain_seconds": round(timings["plain"], 2),
        "notes_per_second": round(rows / timings["engine"]),
        "cores": spark.sparkContext.defaultParallelism,
        # the local JVM's CPU time (driver and executors share it): comparable on a busy machine
        "jvm_cpu_seconds": round(cpu["engine"], 2),
        "notes_per_cpu_second": round(rows / cpu["engine"]) if cpu["engine"] > 0 else None,
    }


def _jvm_cpu_seconds(spark) -> float:
    """User + system CPU seconds of the local JVM (from /proc; 0 where there is none)."""
    import os

    try:
        pid = spark._jvm.java.lang.ProcessHandle.current().pid()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _session(jar: str):
    import os

    os.environ["PYSPARK_SUBMIT_ARGS"] = f"--jars {jar} pyspark-shell"
    from piimask.session import get_spark

    return get_spark("freetext-eval", master="local[2]", shuffle_partitions=2)


def _build_jar() -> str:
    here = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [str(here / "jvm" / "build.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()


def _print(name: str, result: dict, misses: bool) -> None:
    print(f"== {name}: {result['notes']} notes")
    for t, e in result["per_type"].items():
        if e["labels"]:
            print(f"  {t:<12} {e['caught']:>4}/{e['labels']:<4} recall {e['recall']:.3f}")
    print(
        f"  overall recall {result['recall']}, char precision {result['char_precision']}, "
        f"clean notes altered {result['clean_notes_altered']}/{result['clean_notes']}"
    )
    if "undecided_share" in result:
        print(f"  undecided share {result['undecided_share']}")
    if misses:
        for t, ids in result["misses"].items():
            print(f"  miss {t}: {' '.join(ids)}")
        fps = {}
        for kind, note_id in result["false_positives"]:
            fps.setdefault(kind, []).append(note_id)
        for kind, ids in sorted(fps.items()):
            print(f"  false positive {kind}: {' '.join(ids)}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="labelled JSONL (id, text, spans)")
    p.add_argument("--jar", help="the piimask-spark jar (default: built by jvm/build.sh)")
    p.add_argument("--runner", choices=("spark", "java"), default="spark")
    p.add_argument("--native", action="store_true", help="also score the existing native detectors")
    p.add_argument("--cascade", action="store_true", help="also score the engine + NER cascade")
    p.add_argument("--misses", action="store_true", help="list misses and false positives by note id")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--throughput", type=int, default=0, metavar="COPIES", help="also time COPIES x the notes")
    args = p.parse_args(argv)
    from piimask.treatments.freetext.engine import engine_config

    notes = load_notes(args.data)
    jar = args.jar or _build_jar()
    config = engine_config(placeholders=markers())
    results = {}
    spark = None
    if args.runner == "java":
        redacted = redact_java(notes, jar, config)
    else:
        spark = _session(jar)
        redacted = redact_spark(spark, notes, config)
    results["engine"] = score_notes(notes, spans_of(notes, redacted))
    if spark is not None:
        results["engine"]["undecided_share"] = undecided_share(spark, notes, engine_config())
    if args.cascade:
        spark = spark or _session(jar)
        results["cascade"] = score_notes(notes, spans_of(notes, redact_cascade(spark, notes, config)))
    if args.native:
        spark = spark or _session(jar)
        results["native"] = score_notes(notes, spans_of(notes, redact_native(spark, notes)))
    if args.throughput:
        spark = spark or _session(jar)
        results["throughput"] = spark_throughput(spark, notes, engine_config(), args.throughput)
    for name, result in results.items():
        if name == "throughput":
            print(f"== throughput: {result}")
            continue
        _print(name, result, args.misses)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
