"""The benchmark: `make bench` or `python -m benchmarks.run [--rows N] [--small N --large N]`.

Generates the data once per size, then measures in one run, on the same input, each step in a
fresh local[2] process (`benchmarks/measure.py`):

- on the reference kit's 17 columns (the generator's rows, projected): the identity copy, the
  reference kit's approach (`benchmarks/refkit.py`: one Python UDF per treated column) and the
  masking job;
- on the generator's full schema with notes: the identity copy, the floor (digests and tokens
  only, `benchmarks/floor.py`), the masking job (default rubric, free-text cascade), the same
  without free text, the job writing an Iceberg table, an incremental run of 1% new rows into
  that table, `verify --raw --keyring` on the job's output (and on a copy whose notes are all
  distinct, `benchmarks/distinct.py`), and the Python-UDF baseline;
- the job at a small and a 4x larger size.

Each step reports wall seconds and CPU seconds (the JVM and its Python workers): ratios are
given for both, since on a shared machine the wall clock measures the neighbours too. With
``--profile`` the masking steps run under Java Flight Recorder and each prints the share of its
samples per kind of work (`benchmarks/profile_shares.py`). Writes everything as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILED = ("mask", "mask-iceberg", "mask-ref")


def child_env(profile: Path | None = None) -> dict:
    """The environment of a measurement process: this interpreter for Spark's Python workers."""
    env = dict(
        os.environ,
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        SPARK_LOCAL_IP="127.0.0.1",
    )
    if profile is not None:
        env["JAVA_TOOL_OPTIONS"] = f"-XX:StartFlightRecording=filename={profile},settings=profile"
    return env


def _measure(
    label: str, kind: str, data: Path, work: Path, keyring: str, rows: int = 0, seed: int = 11, profile=None
):
    cmd = [sys.executable, "-m", "benchmarks.measure", kind, "--input", str(data), "--work", str(work)]
    cmd += ["--keyring", keyring, "--rows", str(rows), "--seed", str(seed)]
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env(profile), capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.splitlines()[-15:])
        raise SystemExit(f"benchmark step {label} failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][6:])
    if profile is not None:
        from benchmarks.profile_shares import shares

        result["shares"] = shares(str(profile))
    print(
        f"  {label:<17} {result['seconds']:>8.1f} s  {result['cpu_seconds']:>8.1f} CPU-s   "
        f"driver JVM peak {result['jvm_peak_mib']:>6.0f} MiB",
        flush=True,
    )
    return result


def _ratio(results: dict, num: str, den: str, target: float | None) -> dict:
    wall = results[num]["seconds"] / results[den]["seconds"]
    cpu = results[num]["cpu_seconds"] / results[den]["cpu_seconds"]
    out = {"wall": round(wall, 2), "cpu": round(cpu, 2)}
    if target is not None:
        out.update(target=f"<= {target}", met_wall=wall <= target, met_cpu=cpu <= target)
    return out


TABLE_RATIOS = (
    ("job writing Iceberg / job writing Parquet (<= 1.2)", "mask-iceberg", "mask", 1.2),
    ("incremental 1% into the table / full run (<= 0.1)", "incremental", "mask-iceberg", 0.1),
)


def _ratios(results: dict, rows: int, small: int, large: int, skip_udf: bool) -> dict:
    if "identity" not in results:  # --tables: only the table targets' steps ran
        return {label: _ratio(results, num, den, target) for label, num, den, target in TABLE_RATIOS}
    r = {
        "reference schema: job / identity (<= 2.0, stretch 1.5)": _ratio(
            results, "mask-ref", "identity-ref", 2.0
        ),
        "reference schema: job / reference kit's approach (< 1)": _ratio(
            results, "mask-ref", "refkit", 0.999
        ),
        "full schema: job / identity (<= 3.0)": _ratio(results, "mask", "identity", 3.0),
        "verify / job (<= 1.0)": _ratio(results, "verify", "mask", 1.0),
        "verify, every note distinct / job (<= 1.0)": _ratio(results, "verify-distinct", "mask", 1.0),
        **{label: _ratio(results, num, den, target) for label, num, den, target in TABLE_RATIOS},
        f"time, {large} / {small} rows (<= {1.05 * large / small:.1f})": _ratio(
            results, "mask_large", "mask_small", round(1.05 * large / small, 1)
        ),
        "floor (digests and tokens only) / identity": _ratio(results, "floor", "identity", None),
        "job without free text / identity": _ratio(results, "mask-notext", "identity", None),
    }
    if not skip_udf:
        r["Python-UDF baseline / job"] = _ratio(results, "udf", "mask", None)
    mem = results["mask_large"]["jvm_peak_mib"] / results["mask_small"]["jvm_peak_mib"]
    r["driver peak memory, large / small"] = {"value": round(mem, 2)}
    return r


def _print(results: dict, steps: list[str]) -> None:
    print("\n| step | seconds | CPU seconds | driver JVM peak MiB |\n|---|---:|---:|---:|")
    for k in steps:
        m = results[k]
        print(f"| {k} | {m['seconds']:.1f} | {m['cpu_seconds']:.1f} | {m['jvm_peak_mib']:.0f} |")
    print("\n| ratio (target) | wall | CPU | met (wall / CPU) |\n|---|---:|---:|---|")
    for k, v in results["ratios"].items():
        if "wall" in v:
            met = (
                f"{'yes' if v['met_wall'] else 'NO'} / {'yes' if v['met_cpu'] else 'NO'}"
                if "target" in v
                else ""
            )
            print(f"| {k} | {v['wall']:.2f} | {v['cpu']:.2f} | {met} |")
        else:
            print(f"| {k} | {v['value']:.2f} | | |")
    for k in PROFILED:
        if "shares" in results.get(k, {}):
            print(f"\nwhere {k}'s CPU goes (JFR samples of task threads):")
            for name, share in results[k]["shares"].items():
                print(f"  {share:6.1%}  {name}")
    for k in ("mask", "mask-iceberg", "mask-ref", "incremental"):
        if results.get(k, {}).get("phases"):
            print(f"{k} phases (wall s): {json.dumps(results[k]['phases'])}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=2_000_000, help="rows for the main comparison")
    p.add_argument("--small", type=int, default=1_000_000, help="rows for the scaling check")
    p.add_argument("--large", type=int, default=4_000_000, help="rows for the scaling check")
    p.add_argument("--work", default=str(ROOT / "bench-out"))
    p.add_argument("--skip-udf", action="store_true", help="skip the (slow) Python-UDF baseline")
    p.add_argument("--profile", action="store_true", help="JFR shares for the masking steps")
    p.add_argument("--json", default=None, help="where to write the results (default WORK/results.json)")
    p.add_argument(
        "--tables",
        action="store_true",
        help="only the table targets: the full-schema job writing Parquet, then Iceberg, then 1%% new rows",
    )
    args = p.parse_args(argv)
    if args.tables:
        return _tables(args)

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
        results[f"generate_{n}"] = _measure(
            f"generate {n}", "generate", data[n], work / f"w-gen-{n}", keyring, n
        )
    new_rows = max(args.rows // 100, 1)  # 1% new events (another seed: other event ids)
    fresh = work / f"data-new-{new_rows}.parquet"
    _measure("generate 1%", "generate", fresh, work / "w-gen-new", keyring, new_rows, seed=12)
    reference = work / f"data-ref-{args.rows}.parquet"
    _measure("reference cols", "reference", data[args.rows], reference, keyring)

    def step(label, kind, source, folder, profiled=False):
        prof = work / f"{label}.jfr" if profiled and args.profile else None
        results[label] = _measure(label, kind, source, folder, keyring, profile=prof)

    print(f"reference kit's 17 columns, {args.rows} rows", flush=True)
    ref_work = work / f"w-ref-{args.rows}"
    step("identity-ref", "identity", reference, ref_work)
    step("refkit", "refkit", reference, ref_work)
    step("mask-ref", "mask", reference, ref_work, profiled=True)
    print(f"full schema with notes, {args.rows} rows", flush=True)
    main_work = work / f"w-{args.rows}"
    kinds = ["identity", "floor", "mask", "mask-notext", "verify", "verify-distinct", "mask-iceberg"]
    for kind in kinds:
        step(kind, kind, data[args.rows], main_work, profiled=kind in PROFILED)
    step("incremental", "incremental", fresh, main_work)
    if not args.skip_udf:
        step("udf", "udf", data[args.rows], main_work)
    print(f"scaling {args.small} -> {args.large} rows", flush=True)
    step("mask_small", "mask", data[args.small], work / f"w-{args.small}")
    if args.large == args.rows:  # the main comparison already ran the job on this input
        results["mask_large"] = results["mask"]
    else:
        step("mask_large", "mask", data[args.large], work / f"w-{args.large}")

    results["ratios"] = _ratios(results, args.rows, args.small, args.large, args.skip_udf)
    steps = ["identity-ref", "refkit", "mask-ref", *kinds, "incremental"]
    steps += ([] if args.skip_udf else ["udf"]) + ["mask_small", "mask_large"]
    _print(results, steps)
    out = Path(args.json) if args.json else work / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out}")
    return 0


def _tables(args) -> int:
    """``--tables``: the steps of the two table targets in one run, on one generated input."""
    from piimask.keys.keyring import new_keyring, save

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    keyring = f"file:{work / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), keyring)
    results: dict = {"rows": args.rows, "cores": os.cpu_count()}
    data, new_rows = work / f"data-{args.rows}.parquet", max(args.rows // 100, 1)
    fresh = work / f"data-new-{new_rows}.parquet"
    print("generating data", flush=True)
    results["generate"] = _measure("generate", "generate", data, work / "w-gen", keyring, args.rows)
    _measure("generate 1%", "generate", fresh, work / "w-gen-new", keyring, new_rows, seed=12)
    print(f"full schema with notes, {args.rows} rows, then {new_rows} new rows", flush=True)
    main_work = work / f"w-{args.rows}"
    for label, source in (("mask", data), ("mask-iceberg", data), ("incremental", fresh)):
        prof = work / f"{label}.jfr" if args.profile and label in PROFILED else None
        results[label] = _measure(label, label, source, main_work, keyring, profile=prof)
    results["ratios"] = _ratios(results, args.rows, 0, 0, True)
    _print(results, ["mask", "mask-iceberg", "incremental"])
    out = Path(args.json) if args.json else work / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
