"""One measurement in its own process: ``python -m benchmarks.measure KIND --input ... --work ...``.

Prints one JSON line: the task's wall seconds (session start excluded) and the peak resident
memory of the driver (the JVM, which in local mode also runs the executors) and of Python.
"""

from __future__ import annotations

import argparse
import json
import os
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


def _tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by process ``root`` and every live descendant (the
    JVM, its Python workers), with their reaped children: the measure that holds when other work
    shares the machine, where wall seconds do not."""
    parents: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
        stats[int(entry.name)] = fields
        parents[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    ticks = sum(sum(int(stats[p][i]) for i in (11, 12, 13, 14)) for p in tree if p in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument(
        "kind",
        choices=[
            "generate",
            "reference",
            "identity",
            "floor",
            "mask",
            "mask-notext",
            "mask-iceberg",
            "incremental",
            "udf",
            "refkit",
            "verify",
            "verify-distinct",
        ],
    )
    p.add_argument("--input", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--keyring", required=True)
    p.add_argument("--rows", type=int, default=0)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)

    import logging

    phases: dict = {}

    class _Phases(logging.Handler):  # the job logs its phases' wall seconds as one JSON line
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("phase seconds: "):
                phases.update(json.loads(record.getMessage()[len("phase seconds: ") :]))

    logging.getLogger("piimask").addHandler(_Phases())
    logging.getLogger("piimask").setLevel(logging.INFO)
    from piimask.session import LOCAL_CATALOG, WAREHOUSE_ENV, get_spark

    work = Path(args.work)
    if args.kind in ("mask-iceberg", "incremental"):  # the table's local catalog, in the work folder
        warehouse = work / "warehouse"
        if args.kind == "mask-iceberg":
            shutil.rmtree(warehouse, ignore_errors=True)
            shutil.rmtree(work / "raw" / "quarantine-iceberg", ignore_errors=True)
            shutil.rmtree(work / "raw" / "vault-iceberg", ignore_errors=True)
        os.environ[WAREHOUSE_ENV] = str(warehouse)

    memory = "4g" if args.kind.startswith("verify") else "2g"  # as verify.py and the job ask for
    spark = get_spark(f"bench-{args.kind}", master="local[2]", shuffle_partitions=8, driver_memory=memory)
    rubric_path = str(ROOT / "rubric.yaml")
    out = work / f"{args.kind}-out"
    shutil.rmtree(out, ignore_errors=True)
    extra: dict = {}
    jvm_pid = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    cpu_start = _tree_cpu_seconds(jvm_pid)
    start = time.perf_counter()
    if args.kind == "generate":
        from piimask.tools.generate import generate, write

        write(generate(spark, args.rows, seed=args.seed, malformed_rate=0.001), args.input, "parquet")
    elif args.kind == "reference":  # --input's reference-kit columns, written to --work
        from benchmarks.refkit import REFERENCE_COLUMNS

        spark.read.parquet(args.input).select(*REFERENCE_COLUMNS).write.mode("overwrite").parquet(str(work))
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
        cpu_start = _tree_cpu_seconds(jvm_pid)
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
    elif args.kind in ("mask-iceberg", "incremental"):
        # mask-iceberg: a new table from the whole input; incremental: --input's rows (new events)
        # added to the table mask-iceberg left in the same work folder
        from piimask.job import RunOptions, run

        record = run(
            spark,
            RunOptions(
                rubric=rubric_path,
                input=args.input,
                output=f"{LOCAL_CATALOG}.bench.masked",
                quarantine=str(work / "raw" / "quarantine-iceberg"),
                vault=str(work / "raw" / "vault-iceberg"),
                keyring=args.keyring,
                input_format="parquet",
                output_format="iceberg",
            ),
        )
        extra["counts"] = record["counts"]
    elif args.kind == "udf":
        from benchmarks.udf_baseline import build
        from piimask.keys.keyring import load
        from piimask.rubric import load_rubric

        df = spark.read.parquet(args.input)
        build(df, load_rubric(rubric_path), load(args.keyring)).write.mode("overwrite").parquet(str(out))
    elif args.kind == "refkit":  # the reference kit's approach: one Python UDF per treated column
        from benchmarks.refkit import build as refkit
        from piimask.rubric import load_rubric

        df = spark.read.parquet(args.input)
        key, salt = b"k" * 32, b"s" * 16  # fixed bytes: its cost does not depend on the key
        refkit(df, load_rubric(rubric_path), key, salt).write.mode("overwrite").parquet(str(out))
    elif args.kind in ("verify", "verify-distinct"):
        from piimask.verify import verify

        checked = work / "mask-out"
        if args.kind == "verify-distinct":  # the same output with every note distinct (untimed copy)
            from benchmarks.distinct import copy
            from piimask.rubric import load_rubric

            copy(spark, str(checked), str(out), load_rubric(rubric_path))
            checked = out
            cpu_start = _tree_cpu_seconds(jvm_pid)
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
    cpu_seconds = _tree_cpu_seconds(jvm_pid) - cpu_start
    result = {
        "kind": args.kind,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "jvm_peak_mib": round(_jvm_peak_mib(spark), 1),
        "python_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **({"phases": phases} if phases else {}),
        **extra,
    }
    print("BENCH " + json.dumps(result), flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
