"""Text folded for matching: Unicode compatibility forms to ASCII, invisible characters removed.

Look-alike characters defeat a detector and the verifier together (both use the same patterns):
full-width digits and letters (``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ``), mathematical and circled letters,
and zero-width or other format characters inside an email or a name. ``fold_text`` applies,
before any detector, the part of Unicode NFKC that maps one character to one ASCII character
(about 1,100 characters, taken from Python's own NFKC tables on the driver) and removes the
invisible format characters (category Cf, the variation selectors, the Hangul fillers...).

Why not a full NFKC: Spark 3.5 has none, and a JVM UDF costs a call per row; this is one native
``translate`` and one ``regexp_replace``, run only on values holding a non-ASCII character, and it
covers every single-character compatibility form that folds to what the detectors read (ASCII
digits, letters, ``@``, ``.``, ``+``, ``-``). Multi-character expansions (the ligature ``ﬁ``) stay.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

from pyspark.sql import Column
from pyspark.sql import functions as F

__all__ = ["TABLES_FILE", "ascii_folds", "computed_tables", "fold_python", "fold_text", "invisible_class"]

# the two tables below, computed by ``computed_tables`` (``python -m piimask.expr.text --write``)
TABLES_FILE = Path(__file__).with_name("unicode_tables.json")

# Format characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls, tag
# characters: Python's category Cf, so the JVM's older Unicode tables cannot differ), combining
# grapheme joiner, Mongolian and standard variation selectors, and the Hangul fillers that render
# as nothing.
_EXTRA_INVISIBLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _computed_invisible_ranges() -> tuple[tuple[int, int], ...]:
    points = sorted(
        {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
        | {c for lo, hi in _EXTRA_INVISIBLE for c in range(lo, hi + 1)}
    )
    ranges: list[list[int]] = []
    for c in points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return tuple((lo, hi) for lo, hi in ranges)


def _computed_ascii_folds() -> tuple[str, str]:
    src, dst = [], []
    for cp in range(0xA0, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1 and n != c and ord(n) < 0x80 and n.isprintable():
            src.append(c)
            dst.append(n)
    return "".join(src), "".join(dst)


def computed_tables() -> dict:
    """Both tables computed from this Python's Unicode database (a scan of every code point, slow
    enough to matter on every command's start), in the form of ``TABLES_FILE``."""
    return {
        "unidata_version": unicodedata.unidata_version,
        "invisible_ranges": [list(r) for r in _computed_invisible_ranges()],
        "ascii_folds": list(_computed_ascii_folds()),
    }


@functools.lru_cache(maxsize=1)
def _tables() -> dict:
    # Shipped precomputed: every command (the job, verify, each lifecycle command) built them on
    # start (benchmarks/HISTORY.md, sixth session). Another Python's Unicode version computes its own.
    try:
        shipped = json.loads(TABLES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shipped = {}
    if shipped.get("unidata_version") == unicodedata.unidata_version:
        return shipped
    return computed_tables()


def invisible_ranges() -> tuple[tuple[int, int], ...]:
    return tuple((lo, hi) for lo, hi in _tables()["invisible_ranges"])


def invisible_class() -> str:
    """The invisible characters as one Java regex character class."""
    parts = [f"\\x{{{lo:X}}}" + (f"-\\x{{{hi:X}}}" if hi != lo else "") for lo, hi in invisible_ranges()]
    return "[" + "".join(parts) + "]"


def ascii_folds() -> tuple[str, str]:
    """(characters, their ASCII forms): every non-ASCII code point whose NFKC form is one
    printable ASCII character."""
    src, dst = _tables()["ascii_folds"]
    return src, dst


def fold_text(col: Column | str) -> Column:
    """``col`` as a string with compatibility forms folded to ASCII and invisible characters
    removed; ASCII text (the common case) is returned as it is, without the two passes."""
    text = (F.col(col) if isinstance(col, str) else col).cast("string")
    src, dst = ascii_folds()
    folded = F.translate(F.regexp_replace(text, invisible_class(), ""), src, dst)
    # a string holds a non-ASCII character exactly when it has fewer characters than UTF-8
    # bytes: two native length counts, no regex per value (the job asks this of every kept value)
    return F.when(F.length(text) < F.octet_length(text), folded).otherwise(text)


@functools.lru_cache(maxsize=1)
def _python_folding() -> tuple[re.Pattern, dict]:
    chars = "".join(
        re.escape(chr(lo)) + (("-" + re.escape(chr(hi))) if hi != lo else "") for lo, hi in invisible_ranges()
    )
    return re.compile("[" + chars + "]"), str.maketrans(*ascii_folds())


def fold_python(text: str) -> str:
    """The same folding in Python, for the driver-side checks (a ``--reason``, a test oracle)."""
    invisible, table = _python_folding()
    return invisible.sub("", text).translate(table)


if __name__ == "__main__":  # python -m piimask.expr.text --write: rebuild TABLES_FILE
    import sys

    fresh = json.dumps(computed_tables(), sort_keys=True) + "\n"
    if "--write" in sys.argv[1:]:
        TABLES_FILE.write_text(fresh, encoding="utf-8")
    elif TABLES_FILE.read_text(encoding="utf-8") != fresh:
        sys.exit(f"{TABLES_FILE.name} drifted: run python -m piimask.expr.text --write")
