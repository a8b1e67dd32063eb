"""Free-text PII detectors: Java regular expressions run natively by Spark.

The redact treatment replaces what they find with typed placeholders; verify.py runs the same
detectors over the masked output, so a regression in redaction fails CI.
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

__all__ = ["PATTERNS", "PLACEHOLDERS", "any_detected", "identifier_pattern", "redact_patterns"]

_W = r"\p{L}\p{N}"  # word characters, Unicode-aware

# detector -> (pattern, placeholder); applied in this order (emails before phones, ...)
PATTERNS: dict[str, tuple[str, str]] = {
    "email": (
        rf"(?<![{_W}._%+-])[{_W}._%+-]+@[{_W}-]+(?:\.[{_W}-]+)*\.\p{{L}}{{2,}}",
        "[EMAIL]",
    ),
    "mac": (
        r"(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f:-])"
        r"|(?i)(?<![0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.])",
        "[MAC]",
    ),
    "ip": (
        r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
        r"(?!\.?\d)"
        r"|(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
        r"|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?"
        r"|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}))(?![0-9a-f:])",
        "[IP]",
    ),
    "coordinates": (
        r"(?<![\d.])[+-]?\d{1,3}\.\d{3,}\s*,\s*[+-]?\d{1,3}\.\d{3,}(?![\d.])",
        "[COORDINATES]",
    ),
    "serial": (None, "[SERIAL]"),  # pattern comes from the rubric (serial_pattern)
    "phone": (
        r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
        r"|(?<![\w+])\+[1-9]\d{7,14}(?!\w)"
        r"|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\w)",
        "[PHONE]",
    ),
}
PLACEHOLDERS = {name: placeholder for name, (_, placeholder) in PATTERNS.items()}


def redact_patterns(detectors: tuple[str, ...], serial_pattern: str) -> list[tuple[str, str, str]]:
    """(detector, Java regex, placeholder) in application order for the chosen detectors."""
    chosen = []
    for name, (pattern, placeholder) in PATTERNS.items():
        if name in detectors:
            chosen.append((name, pattern or serial_pattern, placeholder))
    return chosen


def identifier_pattern(value: Column, whole_words: bool = False) -> Column:
    """A case-insensitive regex matching ``value`` literally (every non-word char escaped).

    Runs of white space in the value match any run of white space in the text.
    """
    escaped = F.regexp_replace(value, r"([^\p{L}\p{N}\s])", r"\\$1")
    escaped = F.regexp_replace(escaped, r"\s+", r"\\s+")
    if whole_words:
        escaped = F.concat(F.lit(rf"(?<![{_W}])"), escaped, F.lit(rf"(?![{_W}])"))
    return F.concat(F.lit("(?iu)"), escaped)


def any_detected(text: Column, detectors: tuple[str, ...], serial_pattern: str) -> Column:
    """True when any chosen detector still finds something in ``text``."""
    conds = [text.rlike(p) for _, p, _ in redact_patterns(detectors, serial_pattern)]
    out = conds[0]
    for c in conds[1:]:
        out = out | c
    return F.coalesce(out, F.lit(False))
