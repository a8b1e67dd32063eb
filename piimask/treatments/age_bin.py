"""age_bin: an age becomes the lower bound of its bin of ``width`` years."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.values import to_integer
from piimask.treatments.base import (
    ColumnSpec,
    DataBrewKeys,
    Invariant,
    Param,
    ParamError,
    RowContext,
    Treatment,
    bad,
)
from piimask.treatments.databrew import SCRATCH, replace_with, step
from piimask.treatments.generalize import like_input

__all__ = ["TREATMENT"]

AGE_MAX_DEFAULT = 120  # the DataBrew buckets' top when the rubric sets no validate.max


def _normalize(params: dict, column: str) -> dict:
    if not 1 <= params["width"] <= 50:
        raise ParamError("width", "an integer from 1 to 50", params["width"])
    return params


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    w = spec.params["width"]
    dtype = ctx.dtypes[spec.name]
    return like_input(F.floor(to_integer(col, dtype) / w) * w, dtype)


def _invariant(params: Mapping) -> Invariant:
    w = params["width"]
    return Invariant(
        f"multiple of {w}",
        lambda c, d: bad(c, F.pmod(to_integer(c, d), F.lit(w)) == 0),
    )


def _coarser(col: Column, params: Mapping, dtype: DataType) -> Column:
    w = 2 * params["width"]
    return like_input(F.floor(to_integer(col, dtype) / w) * w, dtype)


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    width = spec.params["width"]
    validation = getattr(spec, "validation", None)
    top = validation.max if validation is not None and validation.max is not None else AGE_MAX_DEFAULT
    edges = list(range(0, int(top) + width + 1, width))  # 0, w, ..., first edge above max
    names = ["below_0"] + [str(e) for e in edges[:-1]] + [f"above_{edges[-1] - width}"]
    splits = ["-Infinity"] + [str(e) for e in edges] + ["Infinity"]
    scratch = f"{SCRATCH}{spec.name}"
    return [
        step("BUCKETIZATION", sourceColumn=spec.name, targetColumn=scratch, bucketNames=names, splits=splits),
        *replace_with(spec.name, scratch),
    ]


TREATMENT = Treatment(
    name="age_bin",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: f"lower bound of a {p['width']}-year bin",
    databrew=_databrew,
    params=(Param("width", int, 5),),
    normalize=_normalize,
    reason="age_not_binned",
    meaning="age not on a bin boundary",
    invariant=_invariant,
    coarser=_coarser,
    coarser_words=lambda name, p: f"`{name}` to {2 * (p.get('width') or 0)}-year bins",
    level_name="bin twice as wide",
    value_type="integer",
    class_value=True,
)
