"""keep: a behavioral column is kept byte for byte (verify still checks it looks impersonal)."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.text import fold_text
from piimask.treatments.base import Invariant, Treatment
from piimask.treatments.freetext.detectors import BY_NAME, luhn_ok

__all__ = ["TREATMENT", "behavioral_pii", "looks_like_card"]

CARD_CANDIDATE = r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)"  # 13-19 digits, spaces or hyphens between


def looks_like_card(text: Column) -> Column:
    """True when some run of 13-19 digits in ``text`` passes the Luhn check."""
    candidates = F.regexp_extract_all(text, F.lit(CARD_CANDIDATE), F.lit(0))
    return F.exists(candidates, lambda c: luhn_ok(F.regexp_replace(c, r"\D", "")))


def behavioral_pii(col: Column, dtype: DataType) -> Column:
    """True on a value that holds an email, phone number, MAC address or payment card."""
    text = fold_text(col)  # look-alike characters cannot hide an email (expr.text)
    found = looks_like_card(text)
    for name in ("email", "phone", "mac"):
        found = found | text.rlike(BY_NAME[name].regex())
    return F.coalesce(found, F.lit(False))


TREATMENT = Treatment(
    name="keep",
    buckets=("behavioral",),
    expression=lambda col, spec, ctx: col,
    words=lambda p, rotation: "kept unchanged",
    databrew=lambda spec, keys: [],
    reason="behavioral_pii",
    meaning="behavioral column holds an email, phone, MAC or card number",
    invariant=lambda p: Invariant(
        "no email/phone/MAC/card",
        behavioral_pii,
    ),
    class_value=True,
)
