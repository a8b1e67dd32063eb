"""The run's raw zone: the quarantine's and the vault's new rows, folders or tables.

A folder (the default) gets one partition ``run_id=<run>`` per run, written to a hidden stage and
renamed into place. With a table output, ``--quarantine`` and ``--vault`` may each name an Iceberg
table (``storage.raw_tables``): the run appends its new rows to a branch ``audit_<run>`` of the
table, and the branch is fast-forwarded. Either way only what the raw zone does not hold yet is
written (quarantined rows by their digest, vault entries by column and token), and both are
published before the output, so a crash never leaves an output row whose vault entry is missing;
a failed run drops its raw branches.

Owns: writing and publishing the run's quarantine and vault. Imports: storage, job.values.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F

from piimask.errors import UsageError
from piimask.frames.annotate import REASONS
from piimask.job.values import QUARANTINE_DIGEST, not_yet_quarantined, with_quarantine_digest
from piimask.storage.audit import audit_path
from piimask.storage.fs import Storage
from piimask.storage.raw_tables import VAULT_KEYS, RawTable, is_raw_table
from piimask.storage.transaction import StagedTransaction, inside

__all__ = ["RUN_RECORD", "RawZone", "check_raw_tables", "held_home"]

log = logging.getLogger(__name__)

RUN_RECORD = "_run.json"  # the run's audit record inside each raw-zone partition (Spark skips _)


def check_raw_tables(o, table_output: bool, catalog_configured: Callable[[str], bool]) -> None:
    """Refuse a ``--vault`` or ``--quarantine`` table with a folder output: a folder run publishes
    by renames and keeps its raw zone in folders. A table-shaped name whose catalog the session
    does not configure stays what it always was, a relative folder."""
    if table_output:  # run.check_paths refuses a raw table that is the output or the other
        return
    for label, value in (("--vault", o.vault), ("--quarantine", o.quarantine)):
        if is_raw_table(value) and catalog_configured(value.split(".", 1)[0]):
            raise UsageError(
                f"{label} {value} names an Iceberg table, but --output is a folder: a folder "
                "output keeps its vault and quarantine in folders. Write the output to a table "
                "(--output-format iceberg --output catalog.database.table), or give a folder "
                f"(./{value} for a folder of that name)."
            )


def held_home(spark: SparkSession, quarantine: str, table_output: bool) -> str:
    """Where the held-back rows' folder (``hold.HELD_DIR``) goes: inside a quarantine folder, or
    beside a quarantine table."""
    if table_output and is_raw_table(quarantine):
        return RawTable.open(spark, quarantine).home()
    return quarantine


@dataclass
class RawZone:
    """One run's quarantine and vault: a stage (folder) or a table each."""

    spark: SparkSession
    store: Storage
    run_id: str
    branch: str
    quarantine: str
    vault: str
    q_table: RawTable | None = None
    v_table: RawTable | None = None
    q_stage: str | None = None
    v_stage: str | None = None
    vault_written: bool = False

    @classmethod
    def open(cls, spark, tx: StagedTransaction, o, run_id: str, branch: str, table_output: bool) -> RawZone:
        def table(location: str) -> RawTable | None:
            return RawTable.open(spark, location) if table_output and is_raw_table(location) else None

        zone = cls(
            spark, tx.store, run_id, branch, o.quarantine, o.vault, table(o.quarantine), table(o.vault)
        )
        if zone.q_table is None:
            zone.q_stage = tx.stage(inside(o.quarantine, "staging", run_id))
        if zone.v_table is None:
            zone.v_stage = tx.stage(inside(o.vault, "staging", run_id))
        return zone

    def _partition(self, root: str) -> str:
        return posixpath.join(root, f"run_id={self.run_id}")

    def write_quarantine(self, invalid: DataFrame) -> int:
        """Write the rows of ``invalid`` (with their digest) that the quarantine does not hold
        yet; return how many."""
        columns = invalid.columns
        raw = [c for c in columns if c != REASONS]
        if self.q_table is None:
            new = not_yet_quarantined(self.spark, self.quarantine, invalid, raw)
            added = Observation("piimask_quarantine_added")
            new = new.select(*columns, QUARANTINE_DIGEST).observe(added, F.count(F.lit(1)).alias("rows"))
            new.write.mode("overwrite").parquet(self.q_stage)
            return int(added.get["rows"] or 0)
        rows = with_quarantine_digest(invalid, raw)
        new = self.q_table.unseen(rows, [QUARANTINE_DIGEST])
        return self.q_table.append(new, self.run_id, self.branch)

    def write_vault(self, entries: DataFrame | None) -> int | None:
        """Write the vault entries the vault does not hold yet; how many (None: no token column)."""
        if entries is None:
            return None
        self.vault_written = True
        if self.v_table is not None:
            return self.v_table.append(self.v_table.unseen(entries, VAULT_KEYS), self.run_id, self.branch)
        if any(p.startswith("run_id=") for p in self.store.list(self.vault)):
            old = self.spark.read.parquet(self.vault).select(*VAULT_KEYS)
            entries = entries.join(old, on=VAULT_KEYS, how="left_anti")
        v_obs = Observation("piimask_vault")
        entries.observe(v_obs, F.count(F.lit(1)).alias("n")).write.mode("overwrite").parquet(self.v_stage)
        return int(v_obs.get["n"] or 0)

    def described(self) -> tuple[dict, dict]:
        """The record's ``quarantine`` and ``vault`` entries."""
        q = (
            {"path": self.quarantine, "table": True}
            if self.q_table
            else {"path": self._partition(self.quarantine)}
        )
        v: dict = {"path": self.vault, "partition": None}
        if self.v_table is not None:
            v["table"] = True
        elif self.vault_written:
            v["partition"] = self._partition(self.vault)
        return q, v

    def write_record(self, text: str) -> None:
        """The run's record in each partition (or beside each table), before anything is
        published, so no published raw row lacks the record that explains it."""
        if self.q_stage is not None:
            self.store.write_text(posixpath.join(self.q_stage, RUN_RECORD), text)
        if self.v_stage is not None and self.vault_written:
            self.store.write_text(posixpath.join(self.v_stage, RUN_RECORD), text)
        for t in self.tables():
            self.store.write_text(audit_path(t.home(), self.run_id), text)

    def tables(self) -> list[RawTable]:
        return [t for t in (self.q_table, self.v_table) if t is not None and t.branch is not None]

    def publish(self, tx: StagedTransaction) -> None:
        """Quarantine, then vault: partitions renamed into place, tables fast-forwarded."""
        if self.q_stage is not None:
            tx.add(self.q_stage, self._partition(self.quarantine))
        if self.v_stage is not None and self.vault_written:
            tx.add(self.v_stage, self._partition(self.vault))
        for t in self.tables():
            t.publish()
            tx.published.append(t.name)

    def discard(self) -> None:
        """A failed run: drop the raw tables' branches (the stages go with the transaction)."""
        for t in self.tables():
            try:
                t.discard()
            except Exception as exc:  # best effort: an unpublished branch is never read; erase drops it
                log.warning("could not drop branch of %s (%s)", t.name, type(exc).__name__)
