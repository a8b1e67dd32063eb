"""Row checks: the row-level invariants declared from the rubric alone, one record per column.

A ``RowCheck`` names the check, the column and the reason code, and holds ``violated(col,
dtype)``: a Column condition true on a row that breaks the invariant. Nothing here touches data;
``passes.output_pass`` evaluates every declaration in one aggregation. ``ROW_REASONS`` says what
each row-check reason means (the report's group header); these are the only reasons not in
``reasons.Reason``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, TimestampNTZType, TimestampType

from piimask.expr.values import epoch_seconds, to_decimal, to_integer
from piimask.rubric.load import Rubric
from piimask.treatments.core import MASKED_EMAIL_DOMAIN, TOKEN_HEX_CHARS
from piimask.treatments.freetext.detectors import PATTERNS, any_detected, luhn_ok

__all__ = ["ROW_REASONS", "RowCheck", "is_digest", "looks_like_card", "row_checks"]

# reason code -> what it means, for the reasons the row checks declare
ROW_REASONS = MappingProxyType(
    {
        "direct_not_digest": "direct identifier is not a 64-hex HMAC-SHA256 digest",
        "token_format": "quasi identifier does not have its token format",
        "gps_precision": "coordinate finer than the rubric's grid",
        "age_not_binned": "age not on a bin boundary",
        "band_not_binned": "value not on a band boundary",
        "timestamp_not_utc_hour": "timestamp not exactly on the hour in UTC",
        "address_not_generalized": "address still holds digits (street number, ZIP) or is not 'City, ST'",
        "free_text_pii": "a redaction detector still finds PII in free text",
        "behavioral_pii": "behavioral column holds an email, phone, MAC or card number",
    }
)

UTC_HOUR = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:00:00(\.0{1,9})?(Z|\+00:00)$"
CITY_STATE = r"^[^,\d]*, [A-Z]{2}$"
CARD_CANDIDATE = r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)"


@dataclass(frozen=True)
class RowCheck:
    """A declaration: ``violated(col, dtype)`` is true on a row that breaks the invariant."""

    check: str
    column: str
    reason: str
    violated: Callable[[Column, DataType], Column]
    unit: str = "rows"


def _bad(col: Column, ok: Column) -> Column:
    """Present and not provably fine: an unparsable value counts as a violation."""
    return col.isNotNull() & ~F.coalesce(ok, F.lit(False))


def _token_regex(params) -> str:
    if params["format"] == "mac":  # locally administered unicast first octet
        return r"^[0-9a-f][26ae](:[0-9a-f]{2}){5}$"
    body = rf"^{params['prefix']}_[0-9a-f]{{{TOKEN_HEX_CHARS}}}"
    if params["format"] == "email":
        return body + "@" + MASKED_EMAIL_DOMAIN.replace(".", r"\.") + "$"
    return body + "$"


def is_digest(text: Column) -> Column:
    """``text`` is 64 lowercase hex digits (an HMAC-SHA256 digest): checked on the UTF-8 bytes.
    The regex it replaces decoded every value to a Java string first, which is slower, and its
    ``$`` also let a trailing newline through."""
    return (F.length(text) == 64) & F.unhex(text).isNotNull() & (F.lower(text) == text)


def _on_grid(value: Column, step: str) -> Column:
    step_col = F.lit(step).cast("decimal(20,6)")
    return value == F.floor(value / step_col) * step_col


def _hour_ok(col: Column, dtype: DataType) -> Column:
    whole_hour = F.pmod(epoch_seconds(col, dtype), F.lit(3600)) == 0
    if isinstance(dtype, (TimestampType, TimestampNTZType)):
        return whole_hour
    return F.trim(col.cast("string")).rlike(UTC_HOUR) & whole_hour


def looks_like_card(text: Column) -> Column:
    """``text`` holds a run of 13 to 19 digits (spaces or dashes between) that passes Luhn."""
    candidates = F.regexp_extract_all(text, F.lit(CARD_CANDIDATE), F.lit(0))
    return F.exists(candidates, lambda c: luhn_ok(F.regexp_replace(c, r"\D", "")))


def _behavioral_pii(col: Column, dtype: DataType) -> Column:
    text = col.cast("string")
    found = looks_like_card(text)
    for name in ("email", "phone", "mac"):
        found = found | text.rlike(PATTERNS[name][0])
    return F.coalesce(found, F.lit(False))


def _check(treatment: str, params, name: str) -> RowCheck | None:
    """The declaration for one column by its treatment; None for a treatment with no row check."""
    p = params
    if treatment == "hmac":
        return RowCheck(
            "64 lowercase hex", name, "direct_not_digest", lambda c, d: _bad(c, is_digest(c.cast("string")))
        )
    if treatment == "token":
        rx = _token_regex(p)
        return RowCheck(
            f"{p['format']} token format",
            name,
            "token_format",
            lambda c, d, rx=rx: _bad(c, c.cast("string").rlike(rx)),
        )
    if treatment == "gps_grid":
        step = f"{10 ** -p['precision']:.{p['precision']}f}"
        return RowCheck(
            f"on the {step} degree grid",
            name,
            "gps_precision",
            lambda c, d, s=step: _bad(c, _on_grid(to_decimal(c, d), s)),
        )
    if treatment == "age_bin":
        w = p["width"]
        return RowCheck(
            f"multiple of {w}",
            name,
            "age_not_binned",
            lambda c, d, w=w: _bad(c, F.pmod(to_integer(c, d), F.lit(w)) == 0),
        )
    if treatment == "band":
        w = str(p["width"])
        return RowCheck(
            f"multiple of {w}",
            name,
            "band_not_binned",
            lambda c, d, w=w: _bad(c, _on_grid(to_decimal(c, d), w)),
        )
    if treatment == "hour":
        return RowCheck(
            "on the hour, UTC", name, "timestamp_not_utc_hour", lambda c, d: _bad(c, _hour_ok(c, d))
        )
    if treatment == "city_state":
        return RowCheck(
            "'City, ST' without digits",
            name,
            "address_not_generalized",
            lambda c, d: _bad(c, c.cast("string").rlike(CITY_STATE)),
        )
    if treatment == "redact":
        dets, serial = p["detectors"], p["serial_pattern"]
        return RowCheck(
            "no detector fires",
            name,
            "free_text_pii",
            lambda c, d, a=dets, s=serial: _bad(c, ~any_detected(c.cast("string"), a, s)),
        )
    if treatment == "keep":
        return RowCheck("no email/phone/MAC/card", name, "behavioral_pii", lambda c, d: _behavioral_pii(c, d))
    return None


def row_checks(rubric: Rubric, present: set[str]) -> list[RowCheck]:
    """The row-level invariants of every rubric column present in the output."""
    checks: list[RowCheck] = []
    for spec in rubric.columns:
        if spec.name not in present or spec.dropped:
            continue
        check = _check(spec.treatment, spec.params, spec.name)
        if check is not None:
            checks.append(check)
    return checks
