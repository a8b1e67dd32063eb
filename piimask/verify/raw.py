"""Checks against the raw input: row reconciliation, nulls, behavioral tuples, unkeyed hashes and
token counts. (The leak scan, also against the raw input, is in ``leaks``.)

Each is a dataset check (``scope.Check``) that reads the raw pass's facts (``scope.raw``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from pyspark.sql import Column, DataFrame, Row
from pyspark.sql import functions as F

from piimask.storage.raw_tables import RawTable, names_table
from piimask.verify.backend import Finding, cells, quoted, union_all
from piimask.verify.passes import BEHAVIORAL_TUPLES, NEEDLES
from piimask.verify.reasons import Reason
from piimask.verify.report import Result
from piimask.verify.scope import Scope

__all__ = ["behavioral", "nulls", "reconcile", "token_counts", "unkeyed"]

UNSALTED = {"sha256": lambda v: F.sha2(v, 256), "sha1": F.sha1, "md5": F.md5}
DIGEST_LENGTHS = {"sha256": 64, "sha1": 40, "md5": 32}  # hex characters


def _quarantined(s: Scope, counts: dict, found: list[Result]) -> int | None:
    """The rows of the audited run's quarantine partition (None without --quarantine, or when
    the partition is missing); adds the partition's results to ``found``."""
    ctx = s.ctx
    if not ctx.quarantine:
        return None
    run_id = (ctx.audit or {}).get("run_id")
    if names_table(ctx.spark, ctx.quarantine):  # the run's rows of the table's main
        table = RawTable.open(ctx.spark, ctx.quarantine)
        part, exists = None, run_id is not None and table.table.exists()
    else:
        part = posixpath.join(ctx.quarantine, f"run_id={run_id}")
        exists = run_id is not None and ctx.store.exists(part)
    if not exists:
        found.append(
            Result.of(
                "quarantine partition exists",
                "*",
                Reason.ROWS_UNRECONCILED,
                1,
                "the quarantine partition of the audited run is missing under --quarantine.",
            )
        )
        return None
    if part is None:
        q_rows = table.of_run(run_id).count() if table.has_rows() else 0
    else:
        q_rows = ctx.spark.read.parquet(part).count() if ctx.store.data_files(part) else 0
    # a run writes only the invalid rows no earlier partition holds (quarantine_rows_added)
    quarantined = int(counts.get("rows_quarantined") or 0)
    added = int(counts.get("quarantine_rows_added", quarantined) or 0)
    found.append(
        Result.of(
            "quarantine rows = audit",
            "*",
            Reason.ROWS_UNRECONCILED,
            abs(q_rows - added),
            f"the quarantine partition holds {q_rows} rows; the audit says {added} were added.",
        )
    )
    return q_rows + quarantined - added


def reconcile(s: Scope) -> Iterator[Result]:
    """Every raw row is in the output, the quarantine or the suppressed rows, once."""
    ctx, raw, out_rows = s.ctx, s.raw, s.output.rows
    counts = (ctx.audit or {}).get("counts") or {}
    suppressed = ctx.rows_suppressed
    found: list[Result] = []
    q_rows = _quarantined(s, counts, found)
    yield from found
    q_note = "the quarantine partition's rows" if q_rows is not None else "the audit's rows_quarantined"
    if q_rows is None:
        q_rows = int(counts.get("rows_quarantined") or 0)
    yield Result.of(
        "raw = out + quarantined + suppressed",
        "*",
        Reason.ROWS_UNRECONCILED,
        abs(raw.rows - out_rows - q_rows - suppressed),
        f"raw input has {raw.rows} rows; output {out_rows} + quarantined {q_rows} ({q_note}) "
        f"+ suppressed {suppressed} = {out_rows + q_rows + suppressed}.",
    )
    if ctx.audit is not None and "rows_in" in counts:
        yield Result.of(
            "raw rows = audit rows_in",
            "*",
            Reason.ROWS_UNRECONCILED,
            abs(raw.rows - int(counts["rows_in"])),
            f"raw input has {raw.rows} rows; the audit says {counts['rows_in']} rows in.",
        )
    invalid = raw.rows - raw.valid
    erased = int(counts.get("quarantine_rows_removed_after_run") or 0)  # erased after the run
    yield Result.of(
        "rows failing validation = quarantined",
        "*",
        Reason.ROWS_UNRECONCILED,
        abs(invalid - q_rows - erased),
        f"{invalid} raw rows fail the rubric's validation; {q_rows} were quarantined"
        + (f" and {erased} erased from the quarantine since." if erased else "."),
    )


def nulls(s: Scope) -> Iterator[Result]:
    """No output column has more nulls than the input's valid rows."""
    for c in s.ctx.common:
        n = max(0, s.output.nulls.get(c, 0) - s.raw.nulls[c])
        yield Result.of(
            "no null where input had a value",
            c,
            Reason.NULL_INTRODUCED,
            n,
            f"{c} has {n} more null(s) in the output than in the input's valid rows.",
        )


def behavioral(s: Scope) -> Iterator[Result]:
    """The output's behavioral tuples are the valid input rows' (less the suppressed rows)."""
    cols, suppressed = s.ctx.behavioral, s.ctx.rows_suppressed
    if not cols:
        return
    tup = F.array(*[quoted(c).cast("string") for c in cols])
    both = (
        s.raw.of_kind(BEHAVIORAL_TUPLES)
        .select("tuple", "n")
        .unionByName(s.ctx.out.select(tup.alias("tuple"), F.lit(-1).alias("n")))
    )
    diff = both.groupBy("tuple").agg(F.sum("n").alias("_d"))
    row = diff.agg(
        F.sum(F.when(F.col("_d") > 0, F.col("_d")).otherwise(0)).alias("missing"),
        F.sum(F.when(F.col("_d") < 0, -F.col("_d")).otherwise(0)).alias("extra"),
    ).collect()[0]
    missing, extra = int(row["missing"] or 0), int(row["extra"] or 0)
    yield Result.of(
        "behavioral tuples equal the input's",
        f"({len(cols)} behavioral)",
        Reason.BEHAVIORAL_CHANGED,
        extra + max(0, missing - suppressed),
        f"{extra} output row(s) carry behavioral values found in no valid input row and "
        f"{missing} input row(s) have no output row with their behavioral values "
        f"({suppressed} suppressed); columns compared: {', '.join(cols)}.",
    )


def _candidates(s: Scope) -> tuple[DataFrame, bool, Row]:
    """(the digest cells that may be unkeyed, whether they are few and broadcast, and which
    digest lengths occur among them per direct column: ``seen["column|sha1"]`` is 1 or 0)."""
    direct, mismatched = s.ctx.direct, s.mismatches
    if mismatched is None:
        found, few, source = cells(s.ctx.out, direct), False, s.ctx.out

        def has(c: str, n: int) -> Column:
            return F.length(quoted(c)) == n

    else:
        found, few = s.backend.small(
            mismatched.frame.groupBy("column", F.col("digest").alias("value")).agg(F.sum("n").alias("n"))
        )
        source = found

        def has(c: str, n: int) -> Column:
            return (F.col("column") == c) & (F.length("value") == n)

    # An output value can only equal a digest of its own length: one cheap pass over the
    # candidates says which lengths occur, and only those digests of the raw values are made.
    seen = source.agg(
        *[
            F.max(F.when(has(c, n), 1).otherwise(0)).alias(f"{c}|{name}")
            for c in direct
            for name, n in DIGEST_LENGTHS.items()
        ]
    ).collect()[0]
    return found, few, seen


def _raw_digests(s: Scope, seen: Row) -> DataFrame:
    """(column, digest): the plain digests of each direct column's distinct raw values (and of
    their trimmed lower-case form), of the lengths that occur among its candidates."""
    parts = []
    for c in s.ctx.direct:
        wanted = [fn for name, fn in UNSALTED.items() if seen[f"{c}|{name}"]]
        if not wanted:
            continue
        v = F.col("value")
        variants = F.explode(F.array_distinct(F.array(v, F.lower(F.trim(v))))).alias("v")
        parts.append(
            s.raw.of_kind(NEEDLES, [c])
            .select(variants)
            .distinct()  # one digest per distinct value, not per row
            .select(
                F.lit(c).alias("column"),
                F.explode(F.array(*[fn(F.col("v")) for fn in wanted])).alias("digest"),
            )
        )
    if not parts:  # no output value has a digest's length: nothing to join
        parts = [s.ctx.spark.createDataFrame([], "column string, digest string")]
    return union_all(parts).where(F.col("digest").isNotNull())


def unkeyed(s: Scope) -> Iterator[Finding]:
    """No direct value is a plain SHA-256, SHA-1 or MD5 of a raw value.

    With the keyring, only the digests that are not their row's HMAC are candidates: a digest
    equal to an HMAC of a raw value cannot also be a plain digest of a raw value (that would be
    a SHA-256 collision), so the unique digests (one per event) need not be joined at all.
    """
    direct = s.ctx.direct
    if not direct:
        return
    found, few, seen = _candidates(s)
    digests = _raw_digests(s, seen)
    found = found.withColumn("digest", F.lower("value"))
    if few:  # the raw values' digests stream past the few broadcast candidates
        hits = digests.join(found, on=["column", "digest"]).select("column", "value", "n").distinct()
    else:
        digests, _ = s.backend.small(digests)
        hits = found.join(digests, on=["column", "digest"], how="left_semi")
    yield Finding(
        Reason.UNKEYED_HASH,
        "digest is keyed",
        direct,
        lambda c, n: (
            f"{n} row(s) of {c} equal an unsalted SHA-256, SHA-1 or MD5 of a raw "
            f"{c} value: the hash is not keyed."
        ),
        hits,
    )


def token_counts(s: Scope) -> Iterator[Result]:
    """One token per raw value and one raw value per token, by distinct counts per column."""
    # No row key survives masking, so a raw value cannot be paired with its token row by
    # row: compare, per column, distinct raw values (valid rows) with distinct tokens.
    ctx = s.ctx
    for c in ctx.token_columns:
        r, t = s.raw.distinct[c], s.output.distinct_tokens[c]
        t += int(ctx.tokens_removed.get(c, 0))  # tokens whose rows were erased or expired
        lost = min(ctx.k_suppressed, r)  # values whose every row k-anonymity suppressed
        yield Result.of(
            "one token per raw value",
            c,
            Reason.TOKEN_COLLISION,
            max(0, r - t - lost),
            f"{c}: {r} distinct raw values but {t} distinct tokens: {r - t} token(s) "
            f"shared by several raw values (at most {lost} raw value(s) can have left "
            "with rows suppressed for k-anonymity).",
        )
        yield Result.of(
            "one raw value per token",
            c,
            Reason.TOKEN_SPLIT,
            max(0, t - r),
            f"{c}: {t} distinct tokens for {r} distinct raw values: some raw value has several tokens.",
        )
