"""hmac: a direct identifier becomes HMAC-SHA256 under the key of its event-time window."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

from piimask.expr.hmac import hmac_sha256_hex
from piimask.treatments.base import ColumnSpec, DataBrewKeys, Invariant, RowContext, Treatment, bad
from piimask.treatments.databrew import step

__all__ = ["TREATMENT", "is_digest"]


def is_digest(text: Column) -> Column:
    """``text`` is 64 lowercase hex digits (an HMAC-SHA256 digest), checked on the UTF-8 bytes:
    cheaper than a regex, which decodes every value first, and a trailing newline (which a
    regex's ``$`` lets through) fails."""
    return (F.length(text) == 64) & F.unhex(text).isNotNull() & (F.lower(text) == text)


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    return hmac_sha256_hex(col.cast("string"), ctx.direct_ipad, ctx.direct_opad)


def _invariant(params) -> Invariant:
    return Invariant(
        "64 lowercase hex",
        lambda c, d: bad(c, is_digest(c.cast("string"))),
    )


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    return [
        step(
            "CRYPTOGRAPHIC_HASH",
            sourceColumns=[spec.name],
            algorithm="HMAC_SHA256",
            secretId=keys.hash_secret,
        )
    ]


TREATMENT = Treatment(
    name="hmac",
    buckets=("direct",),
    expression=_expression,
    words=lambda p, rotation: f"HMAC-SHA256, key of the event's {rotation} window",
    databrew=_databrew,
    reason="direct_not_digest",
    meaning="direct identifier is not a 64-hex HMAC-SHA256 digest",
    invariant=_invariant,
    keyed=True,
)
