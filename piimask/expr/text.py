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
import re
import unicodedata

from pyspark.sql import Column
from pyspark.sql import functions as F

__all__ = ["INVISIBLE", "fold_text", "fold_python"]

# Format characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls, tag
# characters), combining grapheme joiner, Mongolian and standard variation selectors, and the
# Hangul fillers that render as nothing.
INVISIBLE = (
    r"[\p{Cf}\x{034F}\x{115F}\x{1160}\x{17B4}\x{17B5}\x{180B}-\x{180F}\x{3164}\x{FE00}-\x{FE0F}"
    r"\x{FFA0}\x{E0100}-\x{E01EF}]"
)
_NON_ASCII = r"[^\x00-\x7F]"


@functools.lru_cache(maxsize=1)
def ascii_folds() -> tuple[str, str]:
    """(characters, their ASCII forms): every non-ASCII code point whose NFKC form is one
    printable ASCII character."""
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


def fold_text(col: Column) -> Column:
    """``col`` as a string with compatibility forms folded to ASCII and invisible characters
    removed; ASCII text (the common case) is returned as it is, without the two passes."""
    text = col.cast("string")
    src, dst = ascii_folds()
    folded = F.translate(F.regexp_replace(text, INVISIBLE, ""), src, dst)
    return F.when(text.rlike(_NON_ASCII), folded).otherwise(text)


@functools.lru_cache(maxsize=1)
def _python_folding() -> tuple[re.Pattern, dict]:
    cf = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf")
    extra = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef"
    return re.compile("[" + cf + extra + "]"), str.maketrans(*ascii_folds())


def fold_python(text: str) -> str:
    """The same folding in Python, for the driver-side checks (a ``--reason``, a test oracle)."""
    invisible, table = _python_folding()
    return invisible.sub("", text).translate(table)
