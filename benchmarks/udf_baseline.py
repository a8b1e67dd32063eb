"""The row-at-a-time baseline: the same rubric with Python UDFs, as hand-written Glue jobs do it.

Kept in benchmarks/ only, to measure what the native job saves. Each treatment is a per-row
Python function (``hmac`` module, ``decimal``, ``datetime``, ``re``) wrapped in a UDF. It skips
the engine's extras (validation, quarantine, vault, k-anonymity, audit) on purpose: those only
make the baseline slower. Its free-text redaction runs every detector the default rubric names,
in the job's order, spelt the way a careful hand-written job would: Python regexes, a Luhn
check, and the same name dictionary (``names.json``) looked up word by word in Python sets.
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

from piimask.keys.keyring import Keyring
from piimask.rubric import Rubric
from piimask.treatments.freetext.detectors import _STATES, _STREET_ABBREVIATIONS  # the job's own lists
from piimask.treatments.freetext.names import AMBIGUOUS_FIRST_NAMES, load_dictionary

_ADDRESS = re.compile(
    r"^(?:.*,)?\s*([^,\d]+?)\s*,\s*([A-Za-z]{2})\.?(?:\s+\d{5}(?:-\d{4})?)?\s*"
    r"(?:,\s*(?:USA|US|United States))?\s*$"
)
_NAMES = load_dictionary()
_SUFFIXES = sorted(
    set(_NAMES["street_suffixes"]) | set(_STREET_ABBREVIATIONS),
    key=lambda s: (-len(s), s),
)
_CITY = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_ADDRESS_TEXT = re.compile(
    r"(?<![\w.,:/-])\d{1,6}[A-Za-z]?(?:-\d{1,4})?\s+"
    r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    r"(?:(?:[A-Z][\w'’.-]*|\d+(?:st|nd|rd|th))\s+){1,4}"
    rf"(?:{'|'.join(_SUFFIXES)})s?\.?(?!\w)"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Fl|Floor|Rm|Room|#)\.?\s*#?[\w-]+)?"
    rf"(?:,\s*{_CITY},?\s+(?:{'|'.join(_STATES)})\b(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"
    r"|(?i:(?<!\w)P\.?\s*O\.?\s+Box\s+\d{1,6}(?!\w))"
)
_URL = re.compile(
    r"(?i)(?<!\w)(?:https?://|www\.)[^\s<>\"'\[\]]*?(?:/(?:in|u|user|users|people|person|profile|"
    r"profiles|member|members|staff|employee|employees|team|~)/|/~|/@|[?&](?:user|username|email|"
    r"name|uid|login)=|(?:github|gitlab|twitter|x|facebook|instagram|linkedin|medium|keybase)\.com/\w)"
    r"[^\s<>\"'\[\]]*(?<![.,;:!?)])|(?<!\w)(?:/home/|/Users/|[A-Za-z]:\\Users\\)[^\s/\\,;:]+"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SSN = re.compile(
    r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])"
    r"|(?i:(?<=ssn )|(?<=ssn: )|(?<=ssn#)|(?<=social security number )|(?<=social security ))"
    r"(?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4}(?!\w)"
)
_FIRST = {n.lower() for n in _NAMES["first_names"]}
_LAST = {n.lower() for n in _NAMES["last_names"]}
_CJK_FIRST = sorted((n for n in _NAMES["first_names"] if "\u3040" <= n[0] <= "\u9fff"), key=len, reverse=True)
_CJK_LAST = sorted((n for n in _NAMES["last_names"] if "\u3040" <= n[0] <= "\u9fff"), key=len, reverse=True)
_CJK = re.compile(
    rf"(?:{'|'.join(map(re.escape, _CJK_LAST))})\s?(?:{'|'.join(map(re.escape, _CJK_FIRST))})"
    rf"|(?:{'|'.join(map(re.escape, _CJK_FIRST))})(?:\s+(?:{'|'.join(map(re.escape, _CJK_LAST))}))?"
    r"(?![^\W\d_])"
)
_PARTICLES = {"de", "del", "la", "van", "von", "der", "le", "da", "di", "du", "dos", "y"}
_HONORIFIC = re.compile(
    r"(?<![\w@./-])(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Srta)\.?\s+"
    r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?)?(?![\w@\]])"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return 13 <= len(digits) <= 19 and total % 10 == 0


def _cards(text: str) -> str:
    return _CARD.sub(lambda m: "[CARD]" if luhn(re.sub(r"\D", "", m.group())) else m.group(), text)


def _persons(text: str) -> str:
    """Full names (first + last, any case), capitalised first names, honorifics, CJK names."""
    text = _HONORIFIC.sub("[PERSON]", text)
    text = _CJK.sub("[PERSON]", text)
    words = list(_WORD.finditer(text))
    spans = []
    i = 0
    while i < len(words):
        w = words[i]
        low = w.group().lower()
        end = None
        if low in _FIRST:
            nxt = words[i + 1] if i + 1 < len(words) else None
            gap = text[w.end() : nxt.start()] if nxt else ""
            j = i + 1  # the last name, after a middle name or particles (de, van der, le...)
            if j + 1 < len(words) and words[j].group()[0].isupper() and words[j + 1].group().lower() in _LAST:
                j += 1
            while j < len(words) - 1 and words[j].group().lower() in _PARTICLES:
                j += 1
            last = words[j] if j < len(words) else None
            between = text[w.end() : last.start()] if last else ""
            if last is not None and between.isspace() and last.group().lower() in _LAST:
                end, i = last.end(), j
            elif w.group()[0].isupper() and len(low) >= 3 and low not in AMBIGUOUS_FIRST_NAMES:
                end = w.end()
                if nxt is not None and gap.isspace() and nxt.group()[0].isupper():
                    end, i = nxt.end(), i + 1
        if end is not None:
            spans.append((w.start(), end))
        i += 1
    for start, end in reversed(spans):
        text = text[:start] + "[PERSON]" + text[end:]
    return text


_PATTERNS = [  # Python spellings of piimask.detectors' patterns, same order
    (re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"), "[EMAIL]"),
    (_URL, "[URL]"),
    (
        re.compile(
            r"(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f:-])"
            r"|(?i:(?<![0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.]))"
        ),
        "[MAC]",
    ),
    (
        re.compile(
            r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
            r"(?!\.?\d)"
            r"|(?i:(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
            r"|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?"
            r"|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}))(?![0-9a-f:]))"
        ),
        "[IP]",
    ),
    (_cards, None),
    (_SSN, "[SSN]"),
    (re.compile(r"(?<![\d.])[+-]?\d{1,3}\.\d{3,}\s*,\s*[+-]?\d{1,3}\.\d{3,}(?![\d.])"), "[COORDINATES]"),
    (re.compile(r"\b[A-Z]{2,4}\d{8,12}\b"), "[SERIAL]"),
    (
        re.compile(
            r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
            r"|(?<![\w+])\+[1-9]\d{7,14}(?!\w)|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\w)"
        ),
        "[PHONE]",
    ),
    (_ADDRESS_TEXT, "[ADDRESS]"),
    (_persons, None),
]


def redact_detectors(text: str) -> str:
    """``text`` with every detector's finds replaced, in the job's order."""
    for pattern, placeholder in _PATTERNS:
        text = pattern(text) if placeholder is None else pattern.sub(placeholder, text)
    return text


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
        return redact_detectors(text)

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
