"""gps_grid: a coordinate floored to a grid of 10^-precision degrees (exact decimal arithmetic)."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.values import to_decimal
from piimask.treatments.base import (
    ColumnSpec,
    Invariant,
    Param,
    ParamError,
    RowContext,
    Treatment,
    bad,
)
from piimask.treatments.databrew import snap
from piimask.treatments.generalize import like_input, on_grid

__all__ = ["TREATMENT"]


def _step(precision: int) -> str:
    return f"{10**-precision:.{precision}f}"


def _normalize(params: dict, column: str) -> dict:
    if not 0 <= params["precision"] <= 6:
        raise ParamError("precision", "an integer from 0 to 6", params["precision"])
    return params


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    p = spec.params["precision"]
    dtype = ctx.dtypes[spec.name]
    scale = F.lit(10**p).cast("decimal(10,0)")
    # times 10^-p, not divided by 10^p: the same exact decimal, without a BigDecimal division per row
    unit = F.lit(f"{10**-p:.{p}f}").cast(f"decimal({max(p, 1)},{p})")
    snapped = (F.floor(to_decimal(col, dtype) * scale) * unit).cast(f"decimal(12,{p})")
    return like_input(snapped, dtype)


def _invariant(params: Mapping) -> Invariant:
    step = _step(params["precision"])
    return Invariant(
        f"on the {step} degree grid",
        lambda c, d: bad(c, on_grid(to_decimal(c, d), step)),
    )


def _coarser(col: Column, params: Mapping, dtype: DataType) -> Column:
    p = params["precision"]
    coarse = max(p - 1, 0)
    scale = F.lit(10**coarse).cast("decimal(10,0)")
    # rendered with the fine precision, so "<= p decimals" still holds: 45.52 -> 45.50
    return like_input((F.floor(to_decimal(col, dtype) * scale) / scale).cast(f"decimal(12,{p})"), dtype)


def _coarser_words(name: str, params: Mapping) -> str:
    prec = max(params.get("precision", 1) - 1, 0)
    step = f"{10**-prec:.{prec}f}" if prec else "1"
    return f"`{name}` to a {step} degree grid"


TREATMENT = Treatment(
    name="gps_grid",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: f"snapped to a {_step(p['precision'])} degree grid",
    databrew=lambda spec, keys: snap(spec.name, str(10 ** spec.params["precision"]), multiply_first=True),
    params=(Param("precision", int, 2),),
    normalize=_normalize,
    reason="gps_precision",
    meaning="coordinate finer than the rubric's grid",
    invariant=_invariant,
    coarser=_coarser,
    coarser_words=_coarser_words,
    level_name="grid 10x coarser",
    value_type="number",
    class_value=True,
)
