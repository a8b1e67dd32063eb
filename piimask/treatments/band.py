"""band: a number becomes the lower bound of its band of ``width``."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.values import to_decimal
from piimask.treatments.base import ColumnSpec, Invariant, Param, ParamError, RowContext, Treatment, bad
from piimask.treatments.databrew import number, snap
from piimask.treatments.generalize import like_input, on_grid

__all__ = ["TREATMENT"]


def _normalize(params: dict, column: str) -> dict:
    if params["width"] is None or params["width"] <= 0:
        raise ParamError("width", "a positive number", params["width"])
    return params


def _banded(col: Column, width, dtype: DataType) -> Column:
    step = F.lit(str(width)).cast("decimal(20,6)")
    banded = F.floor(to_decimal(col, dtype) / step) * step
    return like_input(banded.cast("long") if isinstance(width, int) else banded.cast("double"), dtype)


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    return _banded(col, spec.params["width"], ctx.dtypes[spec.name])


def _invariant(params: Mapping) -> Invariant:
    w = str(params["width"])
    return Invariant(
        f"multiple of {w}",
        lambda c, d: bad(c, on_grid(to_decimal(c, d), w)),
    )


def _input_checks(col: Column, dtype: DataType) -> list[tuple[str, Column]]:
    return [("unparsable_number", to_decimal(col, dtype).isNull())]


TREATMENT = Treatment(
    name="band",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: f"lower bound of a band of width {p['width']}",
    databrew=lambda spec, keys: snap(spec.name, number(spec.params["width"]), multiply_first=False),
    params=(Param("width", (int, float)),),
    normalize=_normalize,
    reason="band_not_binned",
    meaning="value not on a band boundary",
    invariant=_invariant,
    coarser=lambda col, p, dtype: _banded(col, p["width"] * 2, dtype),
    coarser_words=lambda name, p: f"`{name}` to bands of width {2 * (p.get('width') or 0)}",
    level_name="band twice as wide",
    input_checks=_input_checks,
    class_value=True,
)
