"""The masking projection: valid rows joined with their keys -> the masked output."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame

from piimask.frames.keys import row_context
from piimask.rubric import Rubric
from piimask.treatments import treat
from piimask.treatments.redact import prepare_redaction

__all__ = ["mask"]


def mask(keyed: DataFrame, rubric: Rubric, data_columns: list[str], carry: tuple[str, ...] = ()) -> DataFrame:
    """Every rubric column's treatment, in the input's column order; dropped columns gone.
    ``carry`` columns of ``keyed`` follow unchanged (a table run carries the raw row)."""
    specs = [rubric.column(name) for name in data_columns]
    keyed = prepare_redaction(keyed, specs, row_context(keyed, rubric))
    ctx = row_context(keyed, rubric)
    exprs: list[Column] = [treat(spec, ctx) for spec in specs if not spec.dropped]
    return keyed.select(*exprs, *[keyed[f"`{c}`"] for c in carry])
