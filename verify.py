"""verify.py: check a masked output against rubric.yaml; exit 0 pass, 1 violated, 2 cannot run.

    python verify.py --rubric rubric.yaml --output DIR [--raw PATH] [--raw-format csv|parquet|json]
                     [--quarantine DIR] [--keyring file:PATH] [--json REPORT]

Prints a table grouped by reason (check, column, violations, status); --json writes the same
content. The report holds counts and column names only, never a raw or masked value.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: one paragraph, exit 2
        from piimask.errors import report_error

        self.print_usage(sys.stderr)
        report_error(f"verify.py: {message}")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="verify.py", description=__doc__.splitlines()[0])
    p.add_argument("--rubric", required=True, help="path to rubric.yaml")
    p.add_argument("--output", required=True, help="the job's masked output folder")
    p.add_argument("--raw", help="the unmasked input the job read (enables the raw checks)")
    p.add_argument("--raw-format", default="csv", choices=("csv", "parquet", "json"))
    p.add_argument("--quarantine", help="the job's quarantine folder (reconcile its partition)")
    p.add_argument("--keyring", help="file:PATH, env:VAR or secretsmanager:ID (needs --raw)")
    p.add_argument("--json", dest="json_report", help="also write the report as JSON here")
    return p


def _run(args) -> int:
    from piimask.rubric.load import RubricError, load_rubric
    from piimask.verify import VerifyError, verify

    try:  # a bad rubric or missing local path fails before a JVM starts
        load_rubric(args.rubric)
    except RubricError as exc:
        raise VerifyError(f"cannot verify: {exc}") from None
    for label, path in (("--output", args.output), ("--raw", args.raw), ("--quarantine", args.quarantine)):
        if path and "://" not in path and not path.startswith("file:") and not os.path.exists(path):
            raise VerifyError(f"{label} {path} does not exist; check the path and retry.")
    if args.keyring and not args.raw:
        raise VerifyError("--keyring needs --raw: digests are recomputed from the raw values.")

    from piimask.session import get_spark

    report = verify(
        get_spark("piimask-verify", driver_memory="4g"),
        args.rubric,
        args.output,
        raw=args.raw,
        raw_format=args.raw_format,
        quarantine=args.quarantine,
        keyring=args.keyring,
    )
    print(report.table())
    if args.json_report:
        try:
            with open(args.json_report, "w", encoding="utf-8") as fh:
                fh.write(report.to_json())
        except OSError as exc:
            raise VerifyError(
                f"--json {args.json_report} cannot be written ({type(exc).__name__})."
            ) from None
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    from piimask.errors import guarded

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return guarded(lambda: _run(args))


if __name__ == "__main__":
    sys.exit(main())
