"""The value pass: one aggregation over the input for everything needed before the output.

Before a row is written the job must know every k-anonymity class's size, the token columns'
distinct raw values (the vault) and the invalid rows (the quarantine). One ``groupBy`` over
small structs yields all three, each row tagged with its ``RowKind``; the result is small
(classes, distinct values, distinct invalid rows) and the caller keeps it.
"""

from __future__ import annotations

import posixpath
from enum import IntEnum

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import MapType, StructField, StructType

from piimask.frames.keys import TOKEN_IPAD, TOKEN_OPAD, row_context
from piimask.frames.schema import FLOAT_TYPES, nested_types
from piimask.job import privacy as privacy_mod
from piimask.rubric import Rubric
from piimask.storage.fs import Storage
from piimask.treatments import treat
from piimask.treatments.token import token

__all__ = [
    "KEYED_TREATMENTS",
    "QUARANTINE_DIGEST",
    "not_yet_quarantined",
    "RowKind",
    "packable",
    "quarantined_rows",
    "token_specs",
    "value_pass",
    "vault_entries",
    "with_quarantine_digest",
]

QUARANTINE_DIGEST = "_piimask_row"  # sha-256 of a quarantined raw row: written once, not per run
KIND = "_kind"
QUARANTINE_ROW = "_row"  # an invalid row, whole (RowKind.QUARANTINE)
KEYED_TREATMENTS = ("hmac", "token", "date_shift")  # treatments that read the row's keys


class RowKind(IntEnum):
    """What a row of the value pass's table counts."""

    CLASS = 0  # valid rows per (masked quasi-identifiers[, sensitive value]): a k-anonymity class
    VAULT = 1  # one distinct (column, raw value) of a token column over the valid rows
    QUARANTINE = 2  # one distinct invalid row, whole, with how often it occurred


def token_specs(rubric: Rubric, present) -> list:
    """The rubric's token columns present in the input."""
    return [s for s in rubric.with_treatment("token") if s.name in present]


def packable(schema: StructType) -> bool:
    """Whether ``value_pass`` can carry this input's invalid rows to the quarantine unchanged.
    Grouping normalises floating-point keys (-0.0 becomes 0.0, every NaN one NaN), so a top-level
    float or double travels as its text (Java's rendering parses back to the same value, -0.0,
    NaN and subnormals included); any other column must group, with no float inside it."""
    return all(
        isinstance(f.dataType, FLOAT_TYPES)
        or not any(isinstance(t, (MapType, *FLOAT_TYPES)) for t in nested_types(f.dataType))
        for f in schema
    )


def _pack(schema: StructType) -> Column:
    def carried(f: StructField) -> Column:
        c = F.col(f"`{f.name}`")
        return (c.cast("string") if isinstance(f.dataType, FLOAT_TYPES) else c).alias(f.name)

    return F.struct(*[carried(f) for f in schema])


def of_kind(values: DataFrame, kind: RowKind) -> DataFrame:
    return values.where(F.col(KIND) == int(kind))


def quarantined_rows(values: DataFrame, schema: StructType) -> DataFrame:
    """The invalid rows ``value_pass`` carried, each repeated as often as it occurred, with the
    columns, names and types of ``schema``: the quarantine without reading the input again."""
    cells = of_kind(values, RowKind.QUARANTINE)
    row = F.explode(F.array_repeat(F.col(QUARANTINE_ROW), F.col(privacy_mod.COUNT).cast("int")))
    rows = cells.select(row.alias(QUARANTINE_ROW))

    def field(f: StructField) -> Column:
        c = F.col(QUARANTINE_ROW).getField(f.name)
        return (c.cast(f.dataType) if isinstance(f.dataType, FLOAT_TYPES) else c).alias(f.name)

    return rows.select(*[field(f) for f in schema])


def class_counts(values: DataFrame, class_cols: list[str]) -> DataFrame:
    """k-anonymity's class table: the class columns and ``privacy.COUNT``."""
    return of_kind(values, RowKind.CLASS).select(*class_cols, privacy_mod.COUNT)


def value_pass(
    rows: DataFrame, rubric: Rubric, valid: Column, quarantine: StructType | None
) -> DataFrame | None:
    """The table of ``RowKind`` rows, or None when the rubric needs none of them.

    With ``quarantine`` (the invalid rows' columns, see ``packable``) each distinct invalid row
    is carried whole, so the quarantine is written from this table instead of from another read
    and validation of the whole input; without it, ``rows`` holds the valid rows only.
    Most rows repeat a few thousand classes, operators, sites and devices, so partial
    aggregation shrinks the data before the shuffle.
    """
    present = set(rows.columns)
    class_cols = privacy_mod.class_columns(rubric, present)
    specs = token_specs(rubric, present)
    if not class_cols and not specs and quarantine is None:
        return None
    ctx = row_context(rows, rubric)
    treated = {c: treat(rubric.column(c), ctx) for c in class_cols}
    types = dict(rows.select(*treated.values()).dtypes) if treated else {}
    null = F.lit(None).cast("string")
    packed = _pack(quarantine) if quarantine is not None else None
    no_row = None if packed is None else F.lit(None).cast(rows.select(packed).schema[0].dataType)

    def cell(
        kind: RowKind, column: Column, value: Column, classes: bool, row: Column | None = None
    ) -> Column:
        qs = [(treated[c] if classes else F.lit(None).cast(types[c])).alias(c) for c in class_cols]
        extra = [] if packed is None else [(no_row if row is None else row).alias(QUARANTINE_ROW)]
        return F.struct(
            F.lit(int(kind)).alias(KIND), column.alias("column"), value.alias("value"), *qs, *extra
        )

    cells = ([cell(RowKind.CLASS, null, null, True)] if class_cols else []) + [
        cell(RowKind.VAULT, F.lit(s.name), F.col(f"`{s.name}`").cast("string"), False) for s in specs
    ]
    if packed is None:
        per_row = F.array(*cells)
    else:
        # the treatments run on valid rows only (as in the output); an invalid row is one cell
        invalid = cell(RowKind.QUARANTINE, null, null, False, packed)
        per_row = F.when(valid, F.array(*cells)).otherwise(F.array(invalid))
    keys = [KIND, "column", "value", *[F.col(f"`{c}`") for c in class_cols]]
    if packed is not None:
        keys.append(F.col(QUARANTINE_ROW))
    return (
        rows.select(F.inline(per_row))
        .where((F.col(KIND) != int(RowKind.VAULT)) | F.col("value").isNotNull())
        .groupBy(*keys)
        .agg(F.count(F.lit(1)).alias(privacy_mod.COUNT))
    )


def vault_entries(
    values: DataFrame, token_keys: DataFrame, rubric: Rubric, present: list[str]
) -> DataFrame | None:
    """(column, token, value) for every distinct raw value of a token column: one HMAC per
    distinct value, not per row. ``token_keys`` is ``frames.keys.token_key_frame``."""
    specs = token_specs(rubric, set(present))
    if not specs:
        return None
    distinct = of_kind(values, RowKind.VAULT).select("column", "value").crossJoin(F.broadcast(token_keys))
    value, ipad, opad = F.col("value"), F.col(TOKEN_IPAD), F.col(TOKEN_OPAD)
    tok = F.coalesce(*[F.when(F.col("column") == s.name, token(value, s.params, ipad, opad)) for s in specs])
    return distinct.select("column", tok.alias("token"), "value")


def with_quarantine_digest(invalid: DataFrame, raw_columns: list[str]) -> DataFrame:
    """``invalid`` with the SHA-256 of its raw row (``QUARANTINE_DIGEST``): a quarantined row's
    identity, so each is written once."""
    digest = F.sha2(F.to_json(F.struct(*[F.col(f"`{c}`") for c in raw_columns])), 256)
    return invalid.withColumn(QUARANTINE_DIGEST, digest)


def not_yet_quarantined(spark, quarantine: str, invalid: DataFrame, raw_columns: list[str]) -> DataFrame:
    """``invalid`` with its raw row's digest, less the rows an earlier run already quarantined
    (a re-run, or a daily run over a growing input, writes each invalid row once). Only the
    digest column of the earlier partitions is read: their other columns may differ in type
    from run to run, and a partition written before the digest existed matches nothing."""
    rows = with_quarantine_digest(invalid, raw_columns)
    store = Storage(spark)
    parts = [posixpath.join(quarantine, p) for p in store.list(quarantine) if p.startswith("run_id=")]
    parts = [p for p in parts if store.data_files(p)]
    if not parts:
        return rows
    seen = spark.read.schema(f"`{QUARANTINE_DIGEST}` string").parquet(*parts)
    return rows.join(
        seen.where(F.col(QUARANTINE_DIGEST).isNotNull()).distinct(), QUARANTINE_DIGEST, "left_anti"
    )
