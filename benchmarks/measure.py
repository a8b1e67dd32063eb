"""One measurement in its own process: ``python -m benchmarks.measure KIND --input ... --work ...``.

Prints one JSON line: the task's wall seconds (session start excluded) and the peak resident
memory of the driver (the JVM, which in local mode also runs the executors) and of Python.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _jvm_peak_mib(spark) -> float:
    pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument(
        "kind",
        choices=["generate", "identity", "floor", "mask", "mask-notext", "udf", "verify", "verify-distinct"],
    )
    p.add_argument("--input", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--keyring", required=True)
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)

    from piimask.session import get_spark

    memory = "4g" if args.kind.startswith("verify") else "2g"  # as verify.py and the job ask for
    spark = get_spark(f"bench-{args.kind}", master="local[2]", shuffle_partitions=8, driver_memory=memory)
    work = Path(args.work)
    rubric_path = str(ROOT / "rubric.yaml")
    out = work / f"{args.kind}-out"
    shutil.rmtree(out, ignore_errors=True)
    extra: dict = {}
    start = time.perf_counter()
    if args.kind == "generate":
        from piimask.tools.generate import generate, write

        write(generate(spark, args.rows, seed=args.seed, malformed_rate=0.001), args.input, "parquet")
    elif args.kind == "identity":
        spark.read.parquet(args.input).write.mode("overwrite").parquet(str(out))
    elif args.kind == "floor":  # the rubric's digests and tokens only: the least the job can cost
        from benchmarks.floor import build as floor
        from piimask.keys.keyring import load
        from piimask.rubric import load_rubric

        df = spark.read.parquet(args.input)
        floor(df, load_rubric(rubric_path), load(args.keyring)).write.mode("overwrite").parquet(str(out))
    elif args.kind == "mask-notext":  # the same job with free-text columns dropped: where the time goes
        import yaml

        from piimask.job import RunOptions, run

        doc = yaml.safe_load((ROOT / "rubric.yaml").read_text())
        for col in doc["columns"]:
            if col.get("treatment") == "redact":
                col["treatment"] = "drop"
                col.pop("params", None)
        variant = work / "rubric-notext.yaml"
        work.mkdir(parents=True, exist_ok=True)
        variant.write_text(yaml.safe_dump(doc, sort_keys=False))
        start = time.perf_counter()
        record = run(
            spark,
            RunOptions(
                rubric=str(variant),
                input=args.input,
                output=str(out),
                quarantine=str(work / "raw" / "quarantine-notext"),
                vault=str(work / "raw" / f"vault-{time.time_ns()}"),
                keyring=args.keyring,
                input_format="parquet",
            ),
        )
        extra["counts"] = record["counts"]
    elif args.kind == "mask":
        from piimask.job import RunOptions, run

        record = run(
            spark,
            RunOptions(
                rubric=rubric_path,
                input=args.input,
                output=str(out),
                quarantine=str(work / "raw" / "quarantine"),
                vault=str(work / "raw" / f"vault-{time.time_ns()}"),
                keyring=args.keyring,
                input_format="parquet",
            ),
        )
        extra["counts"] = record["counts"]
    elif args.kind == "udf":
        from benchmarks.udf_baseline import build
        from piimask.keys.keyring import load
        from piimask.rubric import load_rubric

        df = spark.read.parquet(args.input)
        build(df, load_rubric(rubric_path), load(args.keyring)).write.mode("overwrite").parquet(str(out))
    elif args.kind in ("verify", "verify-distinct"):
        from piimask.verify import verify

        checked = work / "mask-out"
        if args.kind == "verify-distinct":  # the same output with every note distinct (untimed copy)
            from benchmarks.distinct import copy
            from piimask.rubric import load_rubric

            copy(spark, str(checked), str(out), load_rubric(rubric_path))
            checked = out
            start = time.perf_counter()
        report = verify(
            spark,
            rubric=rubric_path,
            output=str(checked),
            raw=args.input,
            raw_format="parquet",
            quarantine=str(work / "raw" / "quarantine"),
            keyring=args.keyring,
        )
        extra["verify_passed"] = bool(report.passed)
    seconds = time.perf_counter() - start
    result = {
        "kind": args.kind,
        "seconds": round(seconds, 2),
        "jvm_peak_mib": round(_jvm_peak_mib(spark), 1),
        "python_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **extra,
    }
    print("BENCH " + json.dumps(result), flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
