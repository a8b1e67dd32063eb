"""The passes: the few scans of the data whose facts the checks read.

* ``output_pass``: one job over the output evaluates every row check (``rows.row_checks``) and
  counts the rows, the nulls per column and the distinct tokens per token column.
* ``raw_pass``: one scan of the raw input observes its row counts and aggregates the small kept
  table of raw values that every raw-side check reads.
* ``digest_mismatches``: with the keyring, the direct cells that are not the HMAC of a raw value
  with their window's key (read by the digest check and, as its only candidates, the unkeyed one).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from pyspark.sql import Column, DataFrame, Observation
from pyspark.sql import functions as F

from piimask.expr.hmac import hmac_sha256_hex
from piimask.expr.values import epoch_seconds
from piimask.expr.windows import window_id_expr
from piimask.frames.annotate import REASONS as Q_REASONS
from piimask.frames.annotate import annotate
from piimask.frames.encoding import label, undecodable_rows
from piimask.frames.keys import DIRECT_IPAD, DIRECT_OPAD, WINDOW, keys_frame
from piimask.frames.schema import groupable
from piimask.verify.backend import Backend, cells, quoted, union_all
from piimask.verify.context import Context, VerifyError
from piimask.verify.reasons import meaning
from piimask.verify.report import Result
from piimask.verify.rows import RowCheck, row_checks

__all__ = [
    "BEHAVIORAL_TUPLES",
    "KEYED_VALUES",
    "NEEDLES",
    "Mismatches",
    "OutputFacts",
    "RawFacts",
    "digest_mismatches",
    "output_pass",
    "raw_pass",
]


class RawKind(IntEnum):
    """What a row of the raw pass's table holds."""

    NEEDLES = 0  # (column, value): distinct values of the direct and quasi columns, every row
    KEYED_VALUES = 1  # (column, _window, value): distinct HMAC and token values of valid rows
    BEHAVIORAL_TUPLES = 2  # (tuple, n): the behavioral tuples of valid rows with their row counts


NEEDLES, KEYED_VALUES, BEHAVIORAL_TUPLES = RawKind  # the names the checks use


@dataclass(frozen=True)
class OutputFacts:
    rows: int  # of the rows the row checks read
    whole_rows: int  # of the whole output (the same but for a job's audit of its new rows)
    nulls: Mapping[str, int]  # per output column
    distinct_tokens: Mapping[str, int]  # per token column
    results: list[Result]  # the row checks', in declaration order


def _plan(ctx: Context, checks: list[RowCheck]) -> tuple[list[RowCheck], dict[str, list[RowCheck]]]:
    """(checks run on every row, checks run once per distinct value of their column)."""
    # digests, and map columns (Spark cannot group by a map), are checked on every row
    every_row = {s.name for s in ctx.rubric.with_treatment("hmac")}
    every_row |= {c for c in ctx.out_columns if not groupable(ctx.dtypes[c])}
    per_row = [k for k in checks if k.column in every_row]
    by_value: dict[str, list[RowCheck]] = {}
    for k in checks:
        if k.column not in every_row:
            by_value.setdefault(k.column, []).append(k)
    for c in ctx.token_columns:
        by_value.setdefault(c, [])
    return per_row, by_value


def _output_branches(ctx: Context, per_row: list[RowCheck], by_value: dict[str, list[RowCheck]]) -> DataFrame:
    """One row per branch (``_i``: -1 for the row-by-row aggregation, 0 for the by-value one)
    with its sums as JSON (``_v``): a union, so that one job computes them all."""
    out, dtypes = ctx.out, ctx.dtypes
    aggs = [F.count(F.lit(1)).alias("_rows")]
    for i, chk in enumerate(per_row):
        cond = chk.violated(quoted(chk.column), dtypes[chk.column])
        aggs.append(F.sum(F.when(cond, 1).otherwise(0)).alias(f"_c{i}"))
    for i, c in enumerate(ctx.out_columns):
        aggs.append(F.sum(F.when(quoted(c).isNull(), 1).otherwise(0)).alias(f"_n{i}"))
    branches = [out.agg(*aggs).select(F.lit(-1).alias("_i"), F.to_json(F.struct("*")).alias("_v"))]
    if by_value:
        one = _by_value(ctx, by_value)
        branches.append(one.select(F.lit(0).alias("_i"), F.to_json(F.struct("*")).alias("_v")))
    return union_all(branches)


def _by_value(ctx: Context, by_value: dict[str, list[RowCheck]]) -> DataFrame:
    """Every by-value column's checks and distinct count from ONE grouping of the output: each
    row becomes one (column index, value) row per column, the value in the slot of its type, so
    that the output is read and shuffled once however many columns there are (a grouping per
    column read the rows once per column and ran two stages each: fixed costs an audit of a few
    new rows paid dozens of times). Sums are named ``_c<column>_<check>``, counts ``_d<column>``."""
    dtypes = ctx.dtypes
    names = list(by_value)
    slot_of: dict[str, str] = {}
    slot_type = {}
    for c in names:
        key = dtypes[c].simpleString()
        if key not in slot_of:
            slot_of[key] = f"_s{len(slot_of)}"
            slot_type[slot_of[key]] = dtypes[c]
    slots = list(slot_type)

    def element(i: int, c: str) -> Column:
        own = slot_of[dtypes[c].simpleString()]
        cells = [(quoted(c) if s == own else F.lit(None).cast(slot_type[s])).alias(s) for s in slots]
        return F.struct(F.lit(i).alias("_k"), *cells)

    long = ctx.out.select(F.explode(F.array(*[element(i, c) for i, c in enumerate(names)])).alias("_e"))
    values = long.select("_e.*").groupBy("_k", *slots).agg(F.count(F.lit(1)).alias("__piimask_n"))
    n, k = F.col("__piimask_n"), F.col("_k")
    aggs = []
    for i, c in enumerate(names):
        value, mine = F.col(slot_of[dtypes[c].simpleString()]), k == i
        aggs.append(F.count(F.when(mine, value)).alias(f"_d{i}"))
        for j, chk in enumerate(by_value[c]):
            bad = F.when(chk.violated(value, dtypes[c]), n).otherwise(0)
            aggs.append(F.sum(F.when(mine, bad)).alias(f"_c{i}_{j}"))
    return values.agg(*aggs)


def output_pass(ctx: Context) -> OutputFacts:
    """The row checks, the row count, nulls per column and distinct tokens, in one job.

    A digest check runs on every row (digests are unique by design). Every other check runs
    once per distinct value of its column, weighted by the value's row count: generalized,
    tokenized and behavioral columns hold few distinct values, and so do redacted texts whose
    identifiers became placeholders, so the free-text detectors, the costliest check, run on a
    handful of texts instead of every row.
    """
    checks = row_checks(ctx.rubric, set(ctx.out_columns))
    per_row, by_value = _plan(ctx, checks)
    got = {int(r["_i"]): json.loads(r["_v"]) for r in _output_branches(ctx, per_row, by_value).collect()}
    row = got[-1]
    # to_json leaves out a null (the sum over no rows)
    found = [(chk, row.get(f"_c{i}")) for i, chk in enumerate(per_row)]
    for i, ks in enumerate(by_value.values()):
        found += [(k, got[0].get(f"_c{i}_{j}")) for j, k in enumerate(ks)]
    results = []
    for chk, n_bad in sorted(found, key=lambda f: checks.index(f[0])):
        n_bad = int(n_bad or 0)
        message = f"{n_bad} row(s) of {chk.column} violate '{chk.check}' ({meaning(chk.reason)})."
        results.append(Result.of(chk.check, chk.column, chk.reason, n_bad, message))
    names = list(by_value)
    rows = int(row["_rows"])
    return OutputFacts(
        rows=rows,
        # only the row count, so Iceberg reads no column (or answers from its metadata)
        whole_rows=rows if ctx.whole is ctx.out else ctx.whole.count(),
        nulls={c: int(row.get(f"_n{i}") or 0) for i, c in enumerate(ctx.out_columns)},
        distinct_tokens={c: int(got[0].get(f"_d{names.index(c)}") or 0) for c in ctx.token_columns},
        results=results,
    )


@dataclass(frozen=True)
class RawFacts:
    rows: int
    valid: int  # rows passing the rubric's validation
    windows: list[str]  # the key windows valid rows fall in
    nulls: Mapping[str, int]  # per common column, in valid rows
    distinct: Mapping[str, int]  # distinct raw values per token column, in valid rows
    values: DataFrame | None  # the kept table of raw values (kind, column, _window, value, tuple, n)

    def of_kind(self, kind: RawKind, columns: list[str] | None = None) -> DataFrame:
        """Rows of one kind of the table (of some columns)."""
        df = self.values.where(F.col("kind") == int(kind))
        return df if columns is None else df.where(F.col("column").isin(columns))


def _raw_cells(ctx: Context, valid: Column) -> list[Column]:
    """The cells each raw row contributes to the table, one struct per kind and column."""
    hmac = {s.name for s in ctx.rubric.with_treatment("hmac")}
    null, no_tuple = F.lit(None).cast("string"), F.lit(None).cast("array<string>")

    def cell(kind: RawKind, column: str | None, window: Column, value: Column, tup: Column = no_tuple):
        name = F.lit(column).cast("string")
        return F.struct(
            F.lit(int(kind)).alias("kind"),
            name.alias("column"),
            window.alias(WINDOW),
            value.alias("value"),
            tup.alias("tuple"),
        )

    def text(c: str) -> Column:
        return quoted(c).cast("string")

    found = [cell(NEEDLES, c, null, text(c)) for c in list(dict.fromkeys(ctx.ident + ctx.direct))]
    found += [
        cell(KEYED_VALUES, c, F.when(valid, F.col(WINDOW)) if c in hmac else null, F.when(valid, text(c)))
        for c in ctx.keyed
    ]
    if ctx.behavioral:
        tup = F.when(valid, F.array(*[text(c) for c in ctx.behavioral]))
        found.append(cell(BEHAVIORAL_TUPLES, None, null, null, tup))
    return found


def raw_pass(ctx: Context, backend: Backend) -> RawFacts:
    """One scan of the raw input: its row statistics are observed, and one aggregation makes
    the small kept table of raw values that every raw-side check reads (``NEEDLES``,
    ``KEYED_VALUES`` with the window for HMAC columns, ``BEHAVIORAL_TUPLES``).

    Most rows repeat a few thousand operators, sites and devices, so partial aggregation
    shrinks the cells before the shuffle. Caching the annotated input instead and deriving
    each table from it took longer.
    """
    raw = annotate(ctx.raw, ctx.rubric)
    valid = F.size(F.col(Q_REASONS)) == 0
    obs = Observation("piimask_verify_raw")
    aggs = [
        F.count(F.lit(1)).alias("_rows"),
        F.sum(F.when(valid, 1).otherwise(0)).alias("_valid"),
        F.concat_ws(",", F.collect_set(F.when(valid, F.col(WINDOW)))).alias("_windows"),
        undecodable_rows(ctx.raw),
    ]
    aggs += [
        F.sum(F.when(valid & quoted(c).isNull(), 1).otherwise(0)).alias(f"_n{i}")
        for i, c in enumerate(ctx.common)
    ]
    tokens = [c for c in ctx.keyed if c not in ctx.direct]
    found, values = _raw_cells(ctx, valid), None
    distinct: dict[str, int] = {}
    if found:
        values = backend.keep(
            raw.observe(obs, *aggs)
            .select(F.inline(F.array(*found)))
            .where(F.col("value").isNotNull() | F.col("tuple").isNotNull())
            .groupBy("kind", "column", WINDOW, "value", "tuple")
            .agg(F.count(F.lit(1)).alias("n"))
        )
        # The first action on the kept table scans the input and fills the observation, which
        # ``obs.get`` waits for, forever if no scan runs. So it is unfiltered: a filter on a
        # kind that no cell has (KEYED_VALUES, with no HMAC or token column in the output) let the
        # optimizer skip the scan, and verify hung. It also counts the distinct raw values
        # per token column (an HMAC column's rows are per window as well).
        counted = values.groupBy("kind", "column").count().collect()
        distinct = {
            r["column"]: int(r["count"])
            for r in counted
            if r["kind"] == KEYED_VALUES and r["column"] in tokens
        }
    else:
        raw.observe(obs, *aggs).write.format("noop").mode("overwrite").save()
    row = obs.get
    if row["undecodable"]:  # checks on corrupted values would report violations that are not
        raise VerifyError(
            f"--raw {ctx.raw_path} is not valid {label(ctx.raw_encoding)}: {row['undecodable']} row(s) hold "
            "bytes that do not decode (read as U+FFFD). Name the encoding the job read it in with "
            "--raw-encoding (the job's --input-encoding) and re-run."
        )
    return RawFacts(
        rows=int(row["_rows"]),
        valid=int(row["_valid"] or 0),
        windows=sorted(w for w in (row["_windows"] or "").split(",") if w),
        nulls={c: int(row[f"_n{i}"] or 0) for i, c in enumerate(ctx.common)},
        distinct={c: distinct.get(c, 0) for c in tokens},
        values=values,
    )


@dataclass(frozen=True)
class Mismatches:
    frame: DataFrame  # kept: the distinct direct cells that are no HMAC (column, _window, digest, n)
    against: str  # which key they were checked against, for the message


def digest_mismatches(ctx: Context, backend: Backend, raw: RawFacts) -> Mismatches | None:
    """The distinct direct cells that are not the HMAC of a raw value with the key of their row's
    window (of any window when the output lacks the event time); None with no direct column."""
    rubric = ctx.rubric
    direct = ctx.in_rubric_order("hmac", ctx.common)
    if not direct:
        return None
    keys = F.broadcast(keys_frame(ctx.spark, ctx.keyring))
    event = rubric.event_time_column
    has_window = event in ctx.out_columns and rubric.column(event).treatment in ("hour", "keep")
    wcols = [WINDOW] if has_window else []
    # one HMAC per distinct (column, window, value), not per cell: most rows repeat a few
    # thousand operators and tools within a window
    expected, _ = backend.small(
        raw.of_kind(KEYED_VALUES, direct)
        .join(keys, on=WINDOW, how="left")
        .select(
            "column",
            *wcols,
            hmac_sha256_hex(F.col("value"), F.col(DIRECT_IPAD), F.col(DIRECT_OPAD)).alias("digest"),
        )
        .where(F.col("digest").isNotNull())
    )
    shown = ctx.out
    if has_window:
        seconds = epoch_seconds(quoted(event), ctx.dtypes[event])
        shown = ctx.out.withColumn(WINDOW, window_id_expr(seconds, rubric.rotation))
    found = cells(shown, direct, key="digest", extra=wcols)
    against = "its row's window" if has_window else "any window (event time not in output)"
    return Mismatches(
        backend.keep(found.join(expected, on=["column", *wcols, "digest"], how="left_anti")), against
    )
