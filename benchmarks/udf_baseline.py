"""The row-at-a-time baseline: the same rubric with Python UDFs, as hand-written Glue jobs do it.

Kept in benchmarks/ only, to measure what the native job saves. Each treatment is a per-row
Python function (``hmac`` module, ``decimal``, ``datetime``, ``re``) wrapped in a UDF. It skips
the engine's extras (quarantine, vault, audit) on purpose: those only make the baseline slower.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from piimask.keyring import Keyring
from piimask.rubric import Rubric

_ADDRESS = re.compile(
    r"^(?:.*,)?\s*([^,\d]+?)\s*,\s*([A-Za-z]{2})\.?(?:\s+\d{5}(?:-\d{4})?)?\s*"
    r"(?:,\s*(?:USA|US|United States))?\s*$"
)
_PATTERNS = [  # Python spellings of piimask.detectors' patterns, same order
    (re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"), "[EMAIL]"),
    (
        re.compile(r"(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f:-])"),
        "[MAC]",
    ),
    (
        re.compile(
            r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
            r"(?!\.?\d)"
        ),
        "[IP]",
    ),
    (re.compile(r"(?<![\d.])[+-]?\d{1,3}\.\d{3,}\s*,\s*[+-]?\d{1,3}\.\d{3,}(?![\d.])"), "[COORDINATES]"),
    (re.compile(r"\b[A-Z]{2,4}\d{8,12}\b"), "[SERIAL]"),
    (
        re.compile(
            r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
            r"|(?<![\w+])\+[1-9]\d{7,14}(?!\w)|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\w)"
        ),
        "[PHONE]",
    ),
]


def _parse_ts(text: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _window(text: str, rotation: str) -> str | None:
    t = _parse_ts(text)
    if t is None:
        return None
    if rotation == "quarterly":
        return f"{t.year}Q{(t.month - 1) // 3 + 1}"
    return f"{t.year}-{t.month:02d}" if rotation == "monthly" else f"{t.year}"


def build(df: DataFrame, rubric: Rubric, keyring: Keyring) -> DataFrame:
    """The masked DataFrame, one Python UDF per treated column."""
    direct = dict(keyring.direct)
    token_key = keyring.token
    rotation = rubric.rotation
    event = rubric.event_time_column
    identifiers = [c.name for c in rubric.columns if c.bucket in ("direct", "quasi") and c.name in df.columns]

    def hmac_udf(value, ts):
        if value is None:
            return None
        key = direct.get(_window(ts, rotation))
        if key is None:  # unparsable time or no key: a hand-written job would emit null
            return None
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def token_udf(prefix, namespace, fmt):
        def f(value):
            if value is None:
                return None
            h = hmac.new(token_key, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()
            if fmt == "mac":
                first = (int(h[:2], 16) & 0xFE) | 0x02
                return ":".join([f"{first:02x}"] + [h[i : i + 2] for i in range(2, 12, 2)])
            body = f"{prefix}_{h[:20]}"
            return body + "@masked.invalid" if fmt == "email" else body

        return f

    def grid_udf(precision):
        step = Decimal(1).scaleb(-precision)

        def f(value):
            if value is None:
                return None
            try:
                d = Decimal(value.strip())
            except InvalidOperation:
                return None
            return str((d / step).to_integral_value(ROUND_FLOOR) * step)

        return f

    def age_udf(width):
        return lambda v: None if v is None else str(int(v) // width * width)

    def hour_udf(value):
        t = _parse_ts(value) if value is not None else None
        return None if t is None else t.strftime("%Y-%m-%dT%H:00:00+00:00")

    def city_udf(value):
        m = _ADDRESS.match(value) if value is not None else None
        return None if m is None else f"{m.group(1).strip()}, {m.group(2).upper()}"

    def redact_udf(text, *ids):
        if text is None:
            return None
        for name, value in zip(identifiers, ids, strict=True):
            if value and len(value) >= 3:
                text = re.sub(re.escape(value.strip()), "[ID]", text, flags=re.I)
                if "name" in name:
                    for part in value.split():
                        if len(part) >= 3:
                            text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[PERSON]", text, flags=re.I)
        for pattern, placeholder in _PATTERNS:
            text = pattern.sub(placeholder, text)
        return text

    exprs = []
    for name in df.columns:
        if name == "_corrupt_record":
            continue
        spec = rubric.column(name)
        col = F.col(name)
        t = spec.treatment
        if t == "hmac":
            e = F.udf(hmac_udf, StringType())(col, F.col(event))
        elif t == "token":
            p = spec.params
            e = F.udf(token_udf(p["prefix"], p["namespace"], p["format"]), StringType())(col)
        elif t == "gps_grid":
            e = F.udf(grid_udf(spec.params["precision"]), StringType())(col)
        elif t == "age_bin":
            e = F.udf(age_udf(spec.params["width"]), StringType())(col)
        elif t == "hour":
            e = F.udf(hour_udf, StringType())(col)
        elif t == "city_state":
            e = F.udf(city_udf, StringType())(col)
        elif t == "redact":
            e = F.udf(redact_udf, StringType())(col, *[F.col(i) for i in identifiers])
        elif t == "drop":
            continue
        else:
            e = col
        exprs.append(e.alias(name))
    return df.select(*exprs)
