"""Treatments: what each rubric treatment does to a column, one module per treatment.

Each module of this package (``hmac``, ``token``, ``gps_grid``...) defines ``TREATMENT``, a
``base.Treatment`` record that owns the treatment's name, allowed buckets, parameters and their
checks, native Spark expression, the invariant verify checks, the coarser level k-anonymity
uses, the words rubric.md prints and the DataBrew steps. ``TREATMENTS`` maps each name to its
record: every module here that defines ``TREATMENT`` is in it, so adding a treatment is adding
one module (and its test). ``freetext`` holds the detectors behind ``redact``.

May import ``errors`` and ``expr`` only; the rubric imports this registry, not the reverse.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from pyspark.sql import Column

from piimask.treatments.base import ColumnSpec, Invariant, Param, ParamError, RowContext, Treatment

__all__ = [
    "DEFAULT_TREATMENT",
    "TREATMENTS",
    "ColumnSpec",
    "Invariant",
    "Param",
    "ParamError",
    "RowContext",
    "Treatment",
    "treat",
    "treatment",
]

DEFAULT_TREATMENT = {"direct": "hmac", "quasi": "token", "behavioral": "keep"}  # per bucket


def _collect() -> Mapping[str, Treatment]:
    found: dict[str, Treatment] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.ispkg:
            continue
        record = getattr(importlib.import_module(f"{__name__}.{info.name}"), "TREATMENT", None)
        if isinstance(record, Treatment):
            if record.name in found:
                raise RuntimeError(f"two treatment modules define {record.name!r}")
            found[record.name] = record
    # listed by the first bucket each serves (direct first; drop, which serves all, last)
    order = ("direct", "quasi", "sensitive", "behavioral")

    def rank(r: Treatment) -> tuple:
        return (len(r.buckets) > 1, order.index(r.buckets[0]), r.name)

    return MappingProxyType({r.name: r for r in sorted(found.values(), key=rank)})


TREATMENTS: Mapping[str, Treatment] = _collect()


def treatment(name: str) -> Treatment:
    """The record of a treatment name; the one error for an unknown name quotes it."""
    try:
        return TREATMENTS[name]
    except KeyError:
        raise KeyError(f"unknown treatment {name!r}; known: {', '.join(TREATMENTS)}") from None


def treat(spec, ctx: RowContext) -> Column:
    """The masked expression for one rubric column, aliased to the column's own name.

    Null stays null because every treatment propagates null (tests check each), not through a
    ``when(col.isNotNull(), ...)`` guard: Spark shares no subexpression inside a conditional
    branch, so such a guard would parse or hash a value several times a row. Nothing else
    becomes null: validation quarantines what a treatment could not generalize.
    """
    return treatment(spec.treatment).expression(ctx.raw(spec.name), spec, ctx).alias(spec.name)
