"""`pii-mask generate`: the sub-command's arguments and its run."""

from __future__ import annotations

import argparse

from piimask.session import huge_method_session
from piimask.tools.generate.frame import check_arguments, generate_with_labels
from piimask.tools.generate.notes import TEMPLATE_SETS
from piimask.tools.generate.pools import FORMATS, SINGLE_FILE_MAX_ROWS, GenerateError
from piimask.tools.generate.write import write, write_labels

__all__ = ["add_arguments", "main"]


def _rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.01, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=1000, help="number of rows (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="seed for every choice (default 7)")
    parser.add_argument(
        "--output", required=True, help="output path (a directory, or one file with --single-file)"
    )
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="default parquet")
    parser.add_argument(
        "--malformed-rate",
        type=_rate,
        default=0.0,
        help="fraction of rows with a bad timestamp, latitude or email",
    )
    parser.add_argument(
        "--null-rate",
        type=_rate,
        default=0.0,
        help="fraction of nulls in each column except event_id and event_ts",
    )
    parser.add_argument("--labels", help="also write the notes' entity labels (JSON lines) here")
    parser.add_argument(
        "--templates",
        choices=TEMPLATE_SETS,
        default="dev",
        help="note sentences: dev (default) or heldout (kept out of detector development)",
    )
    parser.add_argument(
        "--single-file",
        action="store_true",
        help=f"write one CSV file (and one labels file) from the driver; at most {SINGLE_FILE_MAX_ROWS} rows",
    )


def main(args: argparse.Namespace) -> int:
    check_arguments(args.rows, args.malformed_rate, args.null_rate)
    if args.single_file and args.format != "csv":
        raise GenerateError(f"--single-file writes CSV only, got --format {args.format}.")
    if args.single_file and args.rows > SINGLE_FILE_MAX_ROWS:
        raise GenerateError(
            f"--single-file is for small samples (at most {SINGLE_FILE_MAX_ROWS}"
            f" rows); drop it to let Spark write {args.rows} rows."
        )
    spark = huge_method_session("piimask-generate")
    data, labels = generate_with_labels(
        spark, args.rows, args.seed, args.malformed_rate, args.null_rate, getattr(args, "templates", "dev")
    )
    try:
        write(data, args.output, args.format, args.single_file)
        if args.labels:
            write_labels(labels, args.labels, args.single_file)
    except OSError as exc:
        raise GenerateError(f"cannot write the output ({type(exc).__name__}: {exc.strerror}).") from None
    print(f"generated {args.rows} rows ({args.format}) -> {args.output}")
    if args.labels:
        print(f"labels -> {args.labels}")
    return 0
