"""The cost of k-anonymity: `python -m benchmarks.privacy [--rows N] [--repeat R]`.

Generates N rows once (Parquet), then times, in one run and on the same input, the masking job
with the default rubric (``privacy: action generalize``) and with the same rubric minus its
``privacy:`` section, each in a fresh local[2] process, alternating R times. Prints the best time
of each and their ratio (target <= 1.5), and the privacy record's numbers; writes JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from benchmarks.run import child_env

ROOT = Path(__file__).resolve().parents[1]


def _one(args) -> int:
    """In a fresh process: run the job once, print BENCH {seconds, privacy...}."""
    from piimask.job import RunOptions, run
    from piimask.session import get_spark

    spark = get_spark("bench-privacy", master="local[2]", shuffle_partitions=8)
    work = Path(args.work)
    out = work / f"out-{args.one}"
    for d in (out, work / f"q-{args.one}", work / f"v-{args.one}"):
        shutil.rmtree(d, ignore_errors=True)
    rubric = str(ROOT / "rubric.yaml") if args.one == "generalize" else str(work / "rubric-no-privacy.yaml")
    start = time.perf_counter()
    record = run(
        spark,
        RunOptions(
            rubric,
            args.input,
            str(out),
            str(work / f"q-{args.one}"),
            str(work / f"v-{args.one}"),
            args.keyring,
            input_format="parquet",
        ),
    )
    seconds = time.perf_counter() - start
    p = record.get("privacy") or {}
    keep = ("k", "k_achieved", "classes", "rows_generalized", "rows_suppressed", "small_class_rows_before")
    print(
        "BENCH " + json.dumps({"seconds": seconds, "counts": record["counts"], **{k: p.get(k) for k in keep}})
    )
    return 0


def _measure(kind: str, args, keyring: str) -> dict:
    env = child_env()
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.privacy",
        "--one",
        kind,
        "--input",
        args.input,
        "--work",
        args.work,
        "--keyring",
        keyring,
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(
            f"{kind} failed (exit {proc.returncode}):\n" + "\n".join(proc.stderr.splitlines()[-15:])
        )
    result = json.loads(lines[-1][6:])
    print(f"  {kind:<11} {result['seconds']:>8.1f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=1, help="alternating rounds; the best time counts")
    p.add_argument("--work", default=str(ROOT / "bench-out" / "privacy"))
    p.add_argument("--input", default=None, help="existing Parquet input (default: generate --rows)")
    p.add_argument("--one", choices=("generalize", "none"), help=argparse.SUPPRESS)
    p.add_argument("--keyring", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        return _one(args)

    from piimask.keys.keyring import new_keyring, save

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    keyring = f"file:{work / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), keyring)
    doc = yaml.safe_load((ROOT / "rubric.yaml").read_text(encoding="utf-8"))
    if not doc.get("privacy"):
        raise SystemExit("rubric.yaml has no privacy section to measure")
    doc.pop("privacy")
    (work / "rubric-no-privacy.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    if args.input is None:
        args.input = str(work / f"data-{args.rows}.parquet")
        if not Path(args.input).exists():
            print(f"generating {args.rows} rows", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "piimask.cli",
                    "generate",
                    "--rows",
                    str(args.rows),
                    "--seed",
                    "11",
                    "--malformed-rate",
                    "0.001",
                    "--output",
                    args.input,
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
    runs: dict[str, list[dict]] = {"none": [], "generalize": []}
    for i in range(args.repeat):  # alternate the order: the first run also warms the page cache
        for kind in ("none", "generalize") if i % 2 == 0 else ("generalize", "none"):
            runs[kind].append(_measure(kind, args, keyring))
    best = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
    ratio = best["generalize"] / best["none"]
    g = runs["generalize"][-1]
    results = {
        "input": args.input,
        "repeat": args.repeat,
        "best_seconds": best,
        "ratio": round(ratio, 3),
        "target": 1.5,
        "met": ratio <= 1.5,
        "privacy": {k: v for k, v in g.items() if k != "seconds"},
        "runs": runs,
    }
    print(
        f"\n| job | best seconds |\n|---|---:|\n| no privacy section | {best['none']:.1f} |\n"
        f"| privacy: generalize, k={g['k']} | {best['generalize']:.1f} |\n"
    )
    print(
        f"ratio {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'}); "
        f"rows generalized {g['rows_generalized']}, suppressed {g['rows_suppressed']}, "
        f"k achieved {g['k_achieved']}, classes {g['classes']}"
    )
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
