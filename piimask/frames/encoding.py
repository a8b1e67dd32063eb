"""The character encoding of a CSV or JSON input (`--input-encoding`, verify's `--raw-encoding`).

UTF-8 by default, and bytes that do not decode are refused (frames.read, job.run). A user who
knows the file's encoding names it; the name is checked twice: by Python before Spark starts
(a typo fails in a second), and by the JVM, whose decoder reads the file (Spark's ``encoding``
option), so a name Python knows but Java does not is refused too, before any work.
"""

from __future__ import annotations

import codecs

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from piimask.errors import UsageError

__all__ = [
    "DEFAULT_ENCODING",
    "REPLACEMENT",
    "check_encoding",
    "is_utf8",
    "java_charset",
    "label",
    "undecodable_rows",
]

DEFAULT_ENCODING = "utf-8"
REPLACEMENT = "\ufffd"  # what the JVM's decoders put where bytes do not decode
# Spark reads JSON lines in these only as one multi-line document (JSONOptionsInRead's deny list)
_JSON_LINES_DENIED = ("UTF-16", "UTF-32")


def is_utf8(name: str) -> bool:
    try:
        return codecs.lookup(name).name == "utf-8"
    except LookupError:
        return False


def label(name: str) -> str:
    """The encoding's name for a message: "UTF-8" for any spelling of it, else as given."""
    return "UTF-8" if is_utf8(name) else name


def check_encoding(name: str, fmt: str, flag: str = "--input-encoding") -> None:
    """Refuse (usage error, exit 2) an encoding Python does not know, or one named for Parquet."""
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise UsageError(
            f"{flag} {name!r} is not a known character encoding; name the file's encoding the "
            "way iconv or Python does (utf-8, latin-1, cp1252, utf-16...)."
        ) from None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13...: not an encoding of text
        raise UsageError(f"{flag} {name!r} is a codec, not a character encoding; name the file's encoding.")
    if fmt == "parquet" and info.name != "utf-8":
        raise UsageError(
            f"{flag} applies to CSV and JSON input only: Parquet strings are UTF-8 by definition. "
            f"Drop {flag} or use --input-format csv|json."
        )


def java_charset(spark: SparkSession, name: str, fmt: str, flag: str = "--input-encoding") -> str:
    """The JVM's canonical name of the encoding (as given, or by Python's name for it)."""
    check_encoding(name, fmt, flag)
    charset = spark.sparkContext._jvm.java.nio.charset.Charset
    for candidate in (name, codecs.lookup(name).name):
        try:
            if charset.isSupported(candidate):
                canonical = str(charset.forName(candidate).name())
                break
        except Exception:  # IllegalCharsetNameException: the JVM's rules for a name are stricter
            continue
    else:
        raise UsageError(f"{flag} {name!r} is not an encoding the JVM can read; name another one.")
    if fmt == "json" and canonical in _JSON_LINES_DENIED:
        raise UsageError(
            f"{flag} {name!r}: Spark cannot split JSON lines written in {canonical}; name its byte "
            f"order ({canonical}LE or {canonical}BE) or convert the file to UTF-8."
        )
    return canonical


def undecodable_rows(df: DataFrame) -> Column:
    """An aggregate: the rows holding U+FFFD in a string column. The decoder writes it for bytes
    that are not in the file's encoding (a Latin-1 file read as UTF-8), so digests and detectors
    would see corrupted values; a genuine U+FFFD means an earlier step already lost bytes."""
    strings = [f.name for f in df.schema.fields if isinstance(f.dataType, StringType)]
    bad = F.lit(False)
    for name in strings:
        bad = bad | F.coalesce(F.instr(F.col(f"`{name}`"), REPLACEMENT) > 0, F.lit(False))
    return F.sum(F.when(bad, 1).otherwise(0)).alias("undecodable")
