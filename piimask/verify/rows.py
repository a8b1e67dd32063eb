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
from pyspark.sql.types import DataType

from piimask.rubric import Rubric
from piimask.treatments import TREATMENTS
from piimask.treatments.hmac import is_digest
from piimask.treatments.keep import looks_like_card

__all__ = ["ROW_REASONS", "RowCheck", "is_digest", "looks_like_card", "row_checks"]


ROW_REASONS: Mapping[str, str] = MappingProxyType(
    {r.reason: r.meaning for r in TREATMENTS.values() if r.reason is not None}
)


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
    return checks
