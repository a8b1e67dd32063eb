"""What a run is asked to do: the command-line contract of `pii-mask run` and the Glue job."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from piimask.errors import Refused, UsageError
from piimask.frames.encoding import DEFAULT_ENCODING, check_encoding
from piimask.frames.read import INPUT_FORMATS, OUTPUT_FORMATS
from piimask.storage.iceberg import parse_table
from piimask.storage.paths import is_within

__all__ = ["RunOptions", "add_arguments", "check_paths", "options_from_args"]


@dataclass(frozen=True)
class RunOptions:
    rubric: str
    input: str
    output: str
    quarantine: str
    vault: str
    keyring: str
    input_format: str = "csv"
    output_format: str = "parquet"
    job_name: str | None = None
    job_run_id: str | None = None
    extra: dict = field(default_factory=dict)
    input_encoding: str = DEFAULT_ENCODING  # of a CSV or JSON input


def check_paths(o: RunOptions) -> None:
    """Refuse locations that would overwrite the input or mix raw values into the output."""
    for label, path in (
        ("--input", o.input),
        ("--output", o.output),
        ("--quarantine", o.quarantine),
        ("--vault", o.vault),
    ):
        if not path:
            raise UsageError(f"{label} is required.")
    if o.output_format == "iceberg":
        parse_table(o.output)  # catalog.database.table, or a usage error
    if is_within(o.output, o.input) or is_within(o.input, o.output):
        raise Refused(
            "--output must not be, contain or sit inside --input: the job would "
            "overwrite the data it reads. Choose another output location."
        )
    for label, path in (("--quarantine", o.quarantine), ("--vault", o.vault)):
        if is_within(path, o.output) or is_within(o.output, path):
            raise Refused(
                f"{label} must not be inside --output (or hold it): it keeps raw "
                "values and belongs in the raw zone, apart from the masked output."
            )
        if is_within(path, o.input):
            raise Refused(f"{label} must not be inside --input.")
    if is_within(o.vault, o.quarantine) or is_within(o.quarantine, o.vault):
        raise Refused("--vault and --quarantine must be separate locations.")
    if o.input_format not in INPUT_FORMATS:
        raise UsageError(f"--input-format must be one of {', '.join(INPUT_FORMATS)}.")
    if o.output_format not in OUTPUT_FORMATS:
        raise UsageError(f"--output-format must be one of {', '.join(OUTPUT_FORMATS)}.")
    check_encoding(o.input_encoding, o.input_format)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rubric", required=True, help="path to rubric.yaml")
    p.add_argument("--input", required=True, help="input file or folder")
    p.add_argument(
        "--output",
        required=True,
        help="output folder (replaced atomically), or catalog.database.table with iceberg",
    )
    p.add_argument(
        "--quarantine",
        required=True,
        help="raw-zone folder for rows failing validation, or catalog.database.table with iceberg",
    )
    p.add_argument(
        "--vault",
        required=True,
        help="raw-zone folder for the token vault, or catalog.database.table with iceberg",
    )
    p.add_argument("--keyring", required=True, help="file:PATH, env:VAR or secretsmanager:SECRET_ID")
    p.add_argument("--input-format", default="csv", choices=INPUT_FORMATS)
    p.add_argument("--output-format", default="parquet", choices=OUTPUT_FORMATS)
    p.add_argument(
        "--input-encoding",
        default=DEFAULT_ENCODING,
        help="character encoding of a CSV or JSON input (default utf-8; e.g. latin-1, cp1252, utf-16)",
    )


def options_from_args(args: argparse.Namespace, **extra) -> RunOptions:
    return RunOptions(
        rubric=args.rubric,
        input=args.input,
        output=args.output,
        quarantine=args.quarantine,
        vault=args.vault,
        keyring=args.keyring,
        input_format=args.input_format,
        output_format=args.output_format,
        input_encoding=args.input_encoding,
        **extra,
    )
