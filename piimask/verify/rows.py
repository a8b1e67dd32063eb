"""Row checks: each column's invariant, declared by its treatment's record.

A ``RowCheck`` names the check, the column and the reason code, and holds ``violated(col,
dtype)``: a Column condition true on a row that breaks the invariant. The declarations come from
``treatments.TREATMENTS[...].invariant``; nothing here touches data: ``passes.output_pass``
evaluates every declaration in one aggregation. ``ROW_REASONS`` says what each row-check reason
means (the report's group header); these are the only reasons not in ``reasons.Reason``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.text import fold_text
from piimask.rubric import Rubric
from piimask.treatments import TREATMENTS
from piimask.treatments.hmac import is_digest
from piimask.treatments.keep import looks_like_card

__all__ = [
    "ROW_REASONS",
    "SECOND_OPINION",
    "RowCheck",
    "is_digest",
    "looks_like_card",
    "row_checks",
    "second_opinion",
]


SECOND_OPINION = "free_text_second_opinion"
ROW_REASONS: Mapping[str, str] = MappingProxyType(
    {
        **{r.reason: r.meaning for r in TREATMENTS.values() if r.reason is not None},
        SECOND_OPINION: "verify's own patterns (not the job's detectors) find an email or phone in free text",
    }
)
# A second opinion on redacted text, written apart from the job's detectors (another family: plain
# ASCII classes, no dictionary, no look-arounds), so one bug in those cannot hide itself. Run on
# the folded text; kept narrow (a phone needs separators or a leading +) so that it stays silent
# on what redaction leaves (placeholders, times, dates, codes).
_LOOSE_EMAIL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_LOOSE_PHONE = r"\+[0-9][0-9 ()-]{7,}[0-9]|\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}([^0-9]|$)"


def second_opinion(col: Column, dtype: DataType) -> Column:
    """True on a free-text value in which verify's own patterns see an email or phone number."""
    text = fold_text(col)
    email = (F.instr(text, "@") > 0) & text.rlike(_LOOSE_EMAIL)
    return F.coalesce(email | text.rlike(_LOOSE_PHONE), F.lit(False))


@dataclass(frozen=True)
class RowCheck:
    """A declaration: ``violated(col, dtype)`` is true on a row that breaks the invariant."""

    check: str
    column: str
    reason: str
    violated: Callable[[Column, DataType], Column]
    unit: str = "rows"


def row_checks(rubric: Rubric, present: set[str]) -> list[RowCheck]:
    """The row-level invariants of every rubric column present in the output."""
    checks: list[RowCheck] = []
    for spec in rubric.columns:
        if spec.name not in present or spec.dropped:
            continue
        invariant = TREATMENTS[spec.treatment].invariant(spec.params)
        if invariant is not None:
            reason = TREATMENTS[spec.treatment].reason
            checks.append(RowCheck(invariant.check, spec.name, reason, invariant.violated))
        if spec.treatment == "redact":
            checks.append(
                RowCheck("second opinion: no email/phone", spec.name, SECOND_OPINION, second_opinion)
            )
    return checks
