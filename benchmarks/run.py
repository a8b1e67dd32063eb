"""The benchmark: `make bench` or `python -m benchmarks.run [--rows N] [--small N --large N]`.

Generates the data once per size, then measures in one run, on the same input, each in a fresh
local[2] process: the identity copy (Parquet in, Parquet out), the floor (the rubric's digests
and tokens only, `benchmarks/floor.py`), the masking job, the Python-UDF baseline,
`verify --raw --keyring` on the job's output (and on a copy whose notes are all distinct,
`benchmarks/distinct.py`), and the job at a small and a 4x larger size.
Prints a table of times and ratios and writes it as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_env() -> dict:
    """The environment of a measurement process: this interpreter for Spark's Python workers."""
    return dict(
        os.environ,
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        SPARK_LOCAL_IP="127.0.0.1",
    )


def _measure(kind: str, data: Path, work: Path, keyring: str, rows: int = 0) -> dict:
    env = child_env()
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        kind,
        "--input",
        str(data),
        "--work",
        str(work),
        "--keyring",
        keyring,
        "--rows",
        str(rows),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.splitlines()[-15:])
        raise SystemExit(f"benchmark step {kind} failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][6:])
    print(
        f"  {kind:<15} {result['seconds']:>8.1f} s   driver JVM peak {result['jvm_peak_mib']:>7.0f} MiB",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=2_000_000, help="rows for the main comparison")
    p.add_argument("--small", type=int, default=1_000_000, help="rows for the scaling check")
    p.add_argument("--large", type=int, default=4_000_000, help="rows for the scaling check")
    p.add_argument("--work", default=str(ROOT / "bench-out"))
    p.add_argument("--skip-udf", action="store_true", help="skip the (slow) Python-UDF baseline")
    p.add_argument("--json", default=None, help="where to write the results (default WORK/results.json)")
    args = p.parse_args(argv)

    from piimask.keys.keyring import new_keyring, save

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    keyring = f"file:{work / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), keyring)

    results: dict = {"rows": args.rows, "small": args.small, "large": args.large, "cores": os.cpu_count()}
    data = {}
    print("generating data (once per size)", flush=True)
    for n in sorted({args.rows, args.small, args.large}):
        data[n] = work / f"data-{n}.parquet"
        results[f"generate_{n}"] = _measure("generate", data[n], work / f"w-gen-{n}", keyring, rows=n)

    print(f"main comparison at {args.rows} rows", flush=True)
    main_work = work / f"w-{args.rows}"
    kinds = ("identity", "floor", "mask", "mask-notext", "verify", "verify-distinct")
    for kind in kinds + (() if args.skip_udf else ("udf",)):
        results[kind] = _measure(kind, data[args.rows], main_work, keyring)
    print(f"scaling {args.small} -> {args.large} rows", flush=True)
    results["mask_small"] = _measure("mask", data[args.small], work / f"w-{args.small}", keyring)
    if args.large == args.rows:  # the main comparison already ran the job on this input
        results["mask_large"] = results["mask"]
    else:
        results["mask_large"] = _measure("mask", data[args.large], work / f"w-{args.large}", keyring)

    t = {k: results[k]["seconds"] for k in ("identity", "mask", "verify", "mask_small", "mask_large")}
    ratios = {
        "mask / identity": (
            t["mask"] / t["identity"],
            "<= 2.0 (stretch 1.5)",
            t["mask"] / t["identity"] <= 2.0,
        ),
        "verify / mask": (t["verify"] / t["mask"], "<= 1.0", t["verify"] <= t["mask"]),
        f"time {args.large} / {args.small}": (
            t["mask_large"] / t["mask_small"],
            f"<= {1.1 * args.large / args.small:.1f}",
            t["mask_large"] / t["mask_small"] <= 1.1 * args.large / args.small,
        ),
    }
    mem_small, mem_large = results["mask_small"]["jvm_peak_mib"], results["mask_large"]["jvm_peak_mib"]
    ratios["driver peak memory large / small"] = (
        mem_large / mem_small,
        "<= 1.15",
        mem_large / mem_small <= 1.15,
    )
    t["mask-notext"] = results["mask-notext"]["seconds"]
    ratios["mask without free text / identity"] = (t["mask-notext"] / t["identity"], "(diagnostic)", True)
    t["floor"] = results["floor"]["seconds"]
    ratios["floor (digests and tokens only) / identity"] = (t["floor"] / t["identity"], "(diagnostic)", True)
    ratios["mask / floor"] = (t["mask"] / t["floor"], "(diagnostic)", True)
    t["verify-distinct"] = results["verify-distinct"]["seconds"]
    ratios["verify, every note distinct / mask"] = (t["verify-distinct"] / t["mask"], "(diagnostic)", True)
    if not args.skip_udf:
        t["udf"] = results["udf"]["seconds"]
        ratios["udf baseline / mask"] = (t["udf"] / t["mask"], ">= 3.0", t["udf"] / t["mask"] >= 3.0)
    results["ratios"] = {
        k: {"value": round(v, 2), "target": tgt, "met": met} for k, (v, tgt, met) in ratios.items()
    }

    print("\n| measurement | seconds | driver JVM peak MiB |\n|---|---:|---:|")
    for k in (*kinds, "udf", "mask_small", "mask_large"):
        if k in results:
            print(f"| {k} | {results[k]['seconds']:.1f} | {results[k]['jvm_peak_mib']:.0f} |")
    print("\n| ratio | measured | target | met |\n|---|---:|---|---|")
    for k, r in results["ratios"].items():
        print(f"| {k} | {r['value']:.2f} | {r['target']} | {'yes' if r['met'] else 'NO'} |")
    out = Path(args.json) if args.json else work / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
