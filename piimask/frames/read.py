"""Reading datasets the way every command reads them: the job's input, and a published output.

The input is read with the rubric's contract (CSV: a header, all strings, RFC 4180 quoting,
a malformed-record column) and checked against the rubric (unknown columns stop the run with a
suggested bucket; missing required ones too). A masked output is read by the one rule that says
whether it is CSV or Parquet, so that verify, erase and retention read it alike.
"""

from __future__ import annotations

import posixpath

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType
from pyspark.sql.utils import AnalysisException

from piimask.errors import Refused, UsageError
from piimask.frames.classify import suggest_bucket
from piimask.frames.encoding import DEFAULT_ENCODING, REPLACEMENT, is_utf8, java_charset
from piimask.rubric import Rubric
from piimask.storage.fs import Storage

__all__ = [
    "CORRUPT_RECORD",
    "CSV_OPTIONS",
    "INPUT_FORMATS",
    "REPLACEMENT",
    "InputEncodingError",
    "OUTPUT_FORMATS",
    "check_columns",
    "neutralize_formulas",
    "output_format",
    "output_writer",
    "read_input",
    "read_output",
    "restore_formulas",
]

INPUT_FORMATS = ("csv", "parquet", "json")
OUTPUT_FORMATS = ("parquet", "csv", "iceberg")  # iceberg: --output names a table
CORRUPT_RECORD = "_corrupt_record"  # Spark's column for a CSV record that does not parse
CSV_OPTIONS = {"header": "true", "multiLine": "true", "escape": '"', "encoding": "UTF-8"}


def read_input(
    spark: SparkSession, path: str, fmt: str, encoding: str = DEFAULT_ENCODING, flag: str = "--input-encoding"
) -> DataFrame:
    """Read the input; CSV as all strings with RFC 4180 quoting and a malformed-record column.
    ``encoding`` is the file's character encoding (CSV and JSON); ``flag`` names where it came
    from, for the messages."""
    charset = java_charset(spark, encoding, fmt, flag)
    try:
        if fmt == "csv":
            opts = {**CSV_OPTIONS, "encoding": charset}
            header = spark.read.options(**opts).csv(path)
            if not header.columns:
                raise Refused(
                    f"input {path} is empty: it has no header row. Point --input at "
                    "a CSV file (or folder of them) whose first line names the columns."
                )
            _check_header(spark, path, opts, encoding, flag)
            schema = StructType(
                [StructField(c, StringType()) for c in header.columns]
                + [StructField(CORRUPT_RECORD, StringType())]
            )
            return (
                spark.read.options(**opts)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
                .schema(schema)
                .csv(path)
            )
        if fmt == "json":
            reader = spark.read.option("mode", "PERMISSIVE")
            if not is_utf8(encoding):  # Spark needs the line separator spelt out for any other
                reader = reader.option("encoding", charset).option("lineSep", "\n")
            return reader.json(path)
        return spark.read.parquet(path)
    except AnalysisException as exc:
        text = str(exc)
        if "PATH_NOT_FOUND" in text or "Path does not exist" in text:
            raise UsageError(f"input {path} does not exist; check --input.") from None
        if "UNABLE_TO_INFER_SCHEMA" in text or "empty" in text.lower():
            raise Refused(
                f"input {path} is empty or holds no {fmt} data; check --input and --input-format."
            ) from None
        raise UsageError(
            f"input {path} cannot be read as {fmt} ({type(exc).__name__}); check --input-format."
        ) from None


def _check_header(spark: SparkSession, path: str, opts: dict, encoding: str, flag: str) -> None:
    """Refuse a header Spark would silently rename (duplicates become ``name0``, ``name7``...) or
    that does not decode in the file's encoding, naming the problem instead of the renamed columns."""
    first = spark.read.options(**{**opts, "header": "false"}).csv(path).limit(1).collect()
    names = [str(v) for v in first[0]] if first else []
    if any(REPLACEMENT in n for n in names):
        raise InputEncodingError(path, encoding=encoding, flag=flag)
    seen, dupes = set(), []
    for name in names:  # Spark compares column names case-insensitively by default
        if name.lower() in seen and name not in dupes:
            dupes.append(name)
        seen.add(name.lower())
    if dupes:
        raise Refused(
            f"input {path} has a duplicate column in its header: {', '.join(repr(d) for d in dupes)} "
            "(names compare case-insensitively). Nothing was written. Give every column one "
            "unique name and re-run."
        )


class InputEncodingError(Refused):
    """The input does not decode in its encoding (UTF-8 unless named; exit 1)."""

    def __init__(
        self,
        path: str,
        rows: int | None = None,
        encoding: str = DEFAULT_ENCODING,
        flag: str = "--input-encoding",
    ):
        where = f"{rows} row(s) hold" if rows is not None else "its header holds"
        if is_utf8(encoding):
            name, hint = (
                "UTF-8",
                (
                    f"Name the file's encoding with {flag} (e.g. latin-1, cp1252, utf-16), "
                    "or convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`), and re-run."
                ),
            )
        else:
            name, hint = encoding, f"Check the file's encoding ({flag}) and re-run."
        super().__init__(
            f"input {path} is not valid {name}: {where} bytes that do not decode (read as U+FFFD), "
            f"so digests and detectors would work on corrupted values. Nothing was published. {hint}"
        )


def check_columns(df: DataFrame, rubric: Rubric) -> list[str]:
    """Fail closed on unknown columns and missing required ones; return the input's data columns."""
    data_columns = [c for c in df.columns if c != CORRUPT_RECORD]
    known = set(rubric.names)
    unknown = [c for c in data_columns if c not in known]
    if unknown:
        hints = []
        for name in unknown:
            sample = [
                r[0]
                for r in df.select(F.col(f"`{name}`").cast("string"))
                .where(F.col(f"`{name}`").isNotNull())
                .limit(50)
                .collect()
            ]
            bucket, why = suggest_bucket(name, sample)
            hints.append(f"{name!r} (suggested bucket: {bucket}, because {why})")
        raise Refused(
            "the input has column(s) the rubric does not classify: "
            + "; ".join(hints)
            + ". Nothing was written. Add each to rubric.yaml with a bucket (ask: could it alone "
            "identify a person? with two or three other columns? is the value itself sensitive?) "
            "and re-run."
        )
    missing = [c.name for c in rubric.columns if c.name not in data_columns and not c.optional]
    if missing:
        raise Refused(
            f"the input lacks rubric column(s) {', '.join(missing)}. Nothing was written. Fix the "
            "input, or mark the column(s) `optional: true` in rubric.yaml if they may be absent."
        )
    return data_columns


def output_format(store: Storage, output: str, record: dict | None) -> str:
    """The format of a published output: the audit record's word, else its files' names."""
    fmt = ((record or {}).get("output") or {}).get("format")
    if fmt in OUTPUT_FORMATS:
        return fmt
    files = store.data_files(output)
    return "csv" if files and all(".csv" in posixpath.basename(f) for f in files) else "parquet"


def read_output(spark: SparkSession, paths: list[str], fmt: str) -> DataFrame:
    """A published output (or some of its files): CSV as the job writes it (a header, RFC 4180
    quoting, every column a string, formula-like cells restored), else Parquet."""
    if fmt == "csv":
        return restore_formulas(spark.read.options(**CSV_OPTIONS).csv(paths))
    return spark.read.parquet(*paths)


def restore_formulas(df: DataFrame) -> DataFrame:
    """Undo ``neutralize_formulas`` on a CSV output read back (all strings), so its cells compare
    with the input's."""
    return df.select(
        *[
            F.when(F.col(f"`{c}`").rlike(NEUTRALIZED), F.expr(f"substring(`{c}`, 2)"))
            .otherwise(F.col(f"`{c}`"))
            .alias(c)
            for c in df.columns
        ]
    )


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): it starts with = + - @,
# a tab or a carriage return. A plain number ("-42.5", "+1e3") is not a formula and is kept.
# Cells already starting with quotes before such a character get one more, so reading back
# (strip one quote) gives every original cell exactly.
FORMULA_START = r"^'*[=+\-@\t\r]"
NEUTRALIZED = r"^'+[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def neutralize_formulas(df: DataFrame) -> DataFrame:
    """Every string cell that a spreadsheet would evaluate gets a leading ``'`` (OWASP's
    advice), so it is shown as text; idempotent (a neutralized cell starts with ``'``)."""
    cols = []
    for f in df.schema.fields:
        c = F.col(f"`{f.name}`")
        if isinstance(f.dataType, StringType):
            risky = c.rlike(FORMULA_START) & ~c.rlike(PLAIN_NUMBER)
            c = F.when(risky, F.concat(F.lit("'"), c)).otherwise(c).alias(f.name)
        cols.append(c)
    return df.select(*cols)


# A keyed digest repeats once per person and key window: tens of thousands of distinct 64-character
# values per row group, past Parquet's 1 MiB default dictionary page, so the writer fell back to
# plain encoding and wrote every digest in full. A larger dictionary page keeps them encoded.
DICTIONARY_PAGE_BYTES = 16 << 20


def output_writer(df: DataFrame, fmt: str):
    """The writer of a masked output (or part of one), replacing what is at its path: CSV with
    a header, RFC 4180 quoting and formula-like cells neutralized, else Parquet."""
    if fmt == "csv":
        df = neutralize_formulas(df)
    w = df.write.mode("overwrite").format(fmt)
    if fmt == "csv":
        w = w.option("header", "true").option("escape", '"')
    if fmt == "parquet":
        w = w.option("parquet.dictionary.page.size", str(DICTIONARY_PAGE_BYTES))
    return w
