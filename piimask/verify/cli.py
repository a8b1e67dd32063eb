"""`pii-mask verify` and the root ``verify.py``: check a masked output against rubric.yaml.

    pii-mask verify --rubric rubric.yaml --output DIR [--raw PATH] [--raw-format csv|parquet|json]
                    [--raw-encoding ENC] [--quarantine DIR] [--keyring file:PATH] [--json REPORT]

Exit 0 when every check holds, 1 when one is violated, 2 when verify cannot run. Prints a table
grouped by reason (check, column, violations, status); --json writes the same content. The report
holds counts and column names only, never a raw or masked value.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from piimask.errors import UsageError, guarded, report_error
from piimask.frames.encoding import DEFAULT_ENCODING, check_encoding
from piimask.rubric import RubricError, load_rubric
from piimask.storage.iceberg import is_table_name
from piimask.storage.raw_tables import is_raw_table
from piimask.verify.context import VerifyError
from piimask.verify.runner import verify

__all__ = ["add_arguments", "main", "script"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rubric", required=True, help="path to rubric.yaml")
    p.add_argument(
        "--output", required=True, help="the job's masked output folder, or catalog.database.table"
    )
    at = p.add_mutually_exclusive_group()
    at.add_argument("--branch", help="with a table --output: check this branch instead of main")
    at.add_argument("--snapshot", type=int, help="with a table --output: check this snapshot id")
    p.add_argument("--raw", help="the unmasked input the job read (enables the raw checks)")
    p.add_argument("--raw-format", default="csv", choices=("csv", "parquet", "json"))
    p.add_argument(
        "--raw-encoding",
        default=DEFAULT_ENCODING,
        help="character encoding of a CSV or JSON --raw (the job's --input-encoding; default utf-8)",
    )
    p.add_argument(
        "--quarantine", help="the job's quarantine folder or table (reconcile the audited run's rows)"
    )
    p.add_argument("--keyring", help="file:PATH, env:VAR or secretsmanager:ID (needs --raw)")
    p.add_argument("--json", dest="json_report", help="also write the report as JSON here")


def _check_arguments(args: argparse.Namespace) -> None:
    """Fail on a bad rubric, a missing local path or --keyring without --raw before a JVM starts."""
    try:
        load_rubric(args.rubric)
    except RubricError as exc:
        raise VerifyError(f"cannot verify: {exc}") from None
    output = None if is_table_name(args.output) else args.output  # a table: the catalog says
    quarantine = None if is_raw_table(args.quarantine) else args.quarantine
    for label, path in (("--output", output), ("--raw", args.raw), ("--quarantine", quarantine)):
        if path and "://" not in path and not path.startswith("file:") and not os.path.exists(path):
            raise VerifyError(f"{label} {path} does not exist; check the path and retry.")
    if args.keyring and not args.raw:
        raise VerifyError("--keyring needs --raw: digests are recomputed from the raw values.")
    if args.raw:
        try:
            check_encoding(args.raw_encoding, args.raw_format, "--raw-encoding")
        except UsageError as exc:
            raise VerifyError(str(exc)) from None


def main(args: argparse.Namespace) -> int:
    """Verify, print the table, write the JSON report if asked; the report's exit code."""
    _check_arguments(args)
    from piimask.session import get_spark

    report = verify(
        get_spark("piimask-verify", driver_memory="4g"),
        args.rubric,
        args.output,
        raw=args.raw,
        raw_format=args.raw_format,
        raw_encoding=args.raw_encoding,
        quarantine=args.quarantine,
        keyring=args.keyring,
        at={k: v for k, v in (("branch", args.branch), ("snapshot", args.snapshot)) if v is not None},
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


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: one paragraph, exit 2
        self.print_usage(sys.stderr)
        report_error(f"{self.prog}: {message}")
        sys.exit(2)


def script(argv: list[str] | None = None, prog: str = "verify.py") -> int:
    """The standalone command (the root ``verify.py``): parse ``argv``, verify, exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = _Parser(prog=prog, description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return guarded(lambda: main(args))
