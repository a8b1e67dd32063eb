"""Erasure on an Iceberg table output: a row-level delete after which no file keeps the rows.

The rows asked for (and, with k-anonymity enforced, the rows whose class would drop below k
without them, as the folder erasure does) are deleted in one copy-on-write commit, keyed by the
row digest so no value is written into a statement. Then every branch and tag other than main is
dropped (a failed run's audit branch would pin a snapshot that still holds the rows), every
snapshot but main's current one is expired, and files no metadata names are removed: after that,
no data file of the table holds the rows. The certificate names the snapshots expired.

A vault or quarantine table (docs/tables.md) is erased the same way (``erase_raw_tables``): a
row-level delete keyed by the vault entry's column and token or the quarantined row's digest.

Owns: the table side of erase and retention. Imports: storage, lifecycle.rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from piimask.expr.values import epoch_seconds
from piimask.lifecycle.rewrite import small_classes
from piimask.storage.iceberg import ROW_DIGEST, Table
from piimask.storage.raw_tables import RUN_COLUMN, VAULT_KEYS, RawTable

__all__ = [
    "TableRemoval",
    "erase_raw_tables",
    "expired_rows",
    "expiry_plan",
    "purge",
    "remove_rows",
    "vault_hit",
]

_VIEW = "piimask_erase_rows"


@dataclass
class TableRemoval:
    """What deleting rows from a table did (counts and snapshot ids only)."""

    rows_removed: int = 0
    rows_suppressed_for_k: int = 0
    refs_dropped: list[str] = field(default_factory=list)
    snapshots_expired: list[int] = field(default_factory=list)
    orphan_files_removed: int = 0
    snapshot: int | None = None

    def counts(self) -> dict:
        return {
            "rows_removed": 0,  # rows of the newest run's own count: a table's rows span runs
            "table_rows_removed": self.rows_removed + self.rows_suppressed_for_k,
            "rows_requested_removed": self.rows_removed,
            "rows_suppressed_for_k": self.rows_suppressed_for_k,
            "tokens_removed": {},
        }

    def table_facts(self) -> dict:
        return {
            "snapshot_after": self.snapshot,
            "snapshots_expired": self.snapshots_expired,
            "refs_dropped": self.refs_dropped,
            "orphan_files_removed": self.orphan_files_removed,
        }


def remove_rows(spark: SparkSession, name: str, asked: Column, privacy=None) -> TableRemoval:
    """Delete the ``asked`` rows (and the rows k-anonymity then suppresses) from table ``name``,
    then leave no snapshot, ref or file that still holds them."""
    table = Table(spark, name)
    table.check_catalog()
    df = table.read()
    small = small_classes(df, asked, privacy)
    counted = df.where(asked | small).groupBy(asked.alias("asked")).count().collect()
    result = TableRemoval()
    for row in counted:
        if row["asked"]:
            result.rows_removed = int(row["count"])
        else:
            result.rows_suppressed_for_k = int(row["count"])
    doomed = df.where(asked | small).select(ROW_DIGEST).distinct() if counted else None
    return _delete_and_clean(spark, table, doomed, [ROW_DIGEST], result)


def _delete_and_clean(
    spark: SparkSession, table: Table, doomed: DataFrame | None, keys: list[str], result: TableRemoval
) -> TableRemoval:
    """Delete the rows of ``table`` matching ``doomed`` on ``keys`` (a MERGE from a view, so no
    value enters a statement; None: nothing to delete), then leave no ref, snapshot or file that
    still holds them (a failed run's branch pins raw rows too). Fill in ``result``."""
    if doomed is not None:
        doomed.createOrReplaceTempView(_VIEW)
        on = " AND ".join(f"t.`{k}` = s.`{k}`" for k in keys)
        try:
            spark.sql(f"MERGE INTO {table.name} t USING {_VIEW} s ON {on} WHEN MATCHED THEN DELETE")
        finally:
            spark.catalog.dropTempView(_VIEW)
    result.refs_dropped = table.drop_refs_but_main()
    result.snapshots_expired = table.expire_all()
    result.orphan_files_removed = table.remove_orphans()
    result.snapshot = table.snapshot("main")
    return result


def expired_rows(spark: SparkSession, name: str, event: str, cutoff: datetime) -> Column:
    """True on the rows of table ``name`` whose event time (as stored: a timestamp, truncated to
    the hour by the job) is before ``cutoff``."""
    dtype = Table(spark, name).read().schema[event].dataType
    return epoch_seconds(F.col(f"`{event}`"), dtype) < F.lit(int(cutoff.timestamp()))


def expiry_plan(spark: SparkSession, name: str, event: str, expired: Column) -> dict:
    """A dry run: the rows that would expire and the days (partitions) they fall in."""
    row = (
        Table(spark, name)
        .read()
        .agg(
            F.sum(F.when(expired, 1).otherwise(0)).alias("rows"),
            F.countDistinct(F.when(expired, F.to_date(F.col(f"`{event}`")))).alias("days"),
        )
        .first()
    )
    return {"rows_expired": int(row["rows"] or 0), "days_expired": int(row["days"] or 0)}


def purge(
    spark: SparkSession, name: str, hit: Column, keys: list[str], by: Column
) -> tuple[dict, TableRemoval]:
    """Delete the rows of raw-zone table ``name`` where ``hit`` holds, keyed by ``keys`` (a vault
    entry's column and token, a quarantined row's digest), so no value enters a statement; then
    leave no ref, snapshot or file that still holds them. Return the rows removed per ``by``
    value and what the cleanup did."""
    table = Table(spark, name)
    df = table.read()
    found = {r["_by"]: int(r["count"]) for r in df.where(hit).groupBy(by.alias("_by")).count().collect()}
    doomed = df.where(hit).select(*keys).distinct() if found else None
    result = TableRemoval(rows_removed=sum(found.values()))
    return found, _delete_and_clean(spark, table, doomed, keys, result)


def vault_hit(removals: dict[str, set[str]]) -> Column | None:
    """True on the vault entries whose (column, token) is in ``removals`` (None: nothing to remove)."""
    cond = None
    for column, tokens in sorted((c, t) for c, t in removals.items() if t):
        c = (F.col("column") == F.lit(column)) & F.col("token").isin(sorted(tokens))
        cond = c if cond is None else cond | c
    return None if cond is None else F.coalesce(cond, F.lit(False))


def erase_raw_tables(
    spark: SparkSession,
    vault: str | None,
    quarantine: str | None,
    removals: dict[str, set[str]],
    column: str,
    values: list[str],
) -> tuple[dict | None, dict | None, dict]:
    """Erasure from a vault table (the entries in ``removals``) and a quarantine table (the rows
    whose raw ``column`` is one of ``values``, exactly, as text), each a row-level delete then
    ``purge``'s cleanup; None skips one. Return the counts removed (vault per column, quarantine
    per ``run_id=<run>``, None for a skipped one) and each table's cleanup facts by name."""
    vault_counts, q_counts, facts = None, None, {}
    if vault is not None:
        hit, vault_counts = vault_hit(removals), {}
        if hit is not None and RawTable.open(spark, vault).has_rows():
            vault_counts, removal = purge(spark, vault, hit, VAULT_KEYS, F.col("column"))
            facts[vault] = removal.table_facts()
    if quarantine is not None:
        rows = RawTable.open(spark, quarantine).require("--quarantine")
        hit = F.lit(False)  # no run quarantined a row with this column
        if column in rows.columns:
            hit = F.coalesce(F.col(f"`{column}`").cast("string").isin(values), F.lit(False))
        by_run, removal = purge(spark, quarantine, hit, [ROW_DIGEST], F.col(RUN_COLUMN))
        q_counts = {f"run_id={run}": n for run, n in by_run.items()}
        facts[quarantine] = removal.table_facts()
    return vault_counts, q_counts, facts
