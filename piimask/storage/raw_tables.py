"""The raw zone as Iceberg tables: the vault and the quarantine of a table run.

With ``--output-format iceberg``, ``--vault`` and ``--quarantine`` may each name a table
(``catalog.database.table``, the raw zone's database: ``piimask_raw`` on AWS, whose folder is on
the raw bucket). A run appends only what the table does not hold yet (vault entries by column and
token, quarantined rows by their digest), each row tagged with the run id in ``_piimask_run``, to
a branch of the table; the branch is fast-forwarded (raw zone first) only once the run's checks
have passed, just before the output's main moves. Readers (``detokenize``, ``erase``, ``verify``)
read main.

The tables are not partitioned: a run appends its own files, so Iceberg's per-file statistics on
``_piimask_run`` already skip every other run's files when one run's rows are read, and a vault
lookup reads one small table. What the kit keeps beside such a table (the held-back rows of the
quarantine, detokenize's access log, the run records) lives in ``<table location>.piimask/``,
never inside the table's folder, where orphan-file removal would delete it.

Owns: opening, appending to, publishing and reading a raw-zone table. Imports: storage.iceberg.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F

from piimask.storage.iceberg import Table, TableError, is_table_name

__all__ = ["RUN_COLUMN", "VAULT_KEYS", "RawTable", "is_raw_table", "names_table"]

RUN_COLUMN = "_piimask_run"  # the run that appended the row (a raw-zone folder's run_id=)
VAULT_KEYS = ["column", "token"]  # what identifies a vault entry


def is_raw_table(location: str | None) -> bool:
    """Whether a ``--vault`` or ``--quarantine`` names a table (with a table output only: a
    folder output's raw zone stays folders, see ``job.run``)."""
    return bool(location) and "/" not in location and is_table_name(location)


def names_table(spark: SparkSession, location: str | None) -> bool:
    """For the readers (detokenize, erase, verify), which have no output format to go by: a
    table-shaped name whose catalog the session configures is a table; anything else, a relative
    folder named ``a.b.c`` included, stays a folder as before."""
    return is_raw_table(location) and bool(
        spark.conf.get(f"spark.sql.catalog.{location.split('.', 1)[0]}", None)
    )


@dataclass
class RawTable:
    """One raw-zone table and, during a run, the branch the run appends to."""

    table: Table
    branch: str | None = None
    added: Observation = field(default_factory=lambda: Observation("piimask_raw_table"))

    @classmethod
    def open(cls, spark: SparkSession, name: str) -> RawTable:
        table = Table(spark, name)
        table.check_catalog()
        return cls(table)

    @property
    def name(self) -> str:
        return self.table.name

    def has_rows(self) -> bool:
        """Whether main holds a snapshot (a table created by a run that failed has none)."""
        return self.table.exists() and self.table.snapshot("main") is not None

    def read(self) -> DataFrame:
        """Main: what readers see."""
        return self.table.read()

    def require(self, flag: str) -> DataFrame:
        """Main, or a usage error naming ``flag`` when the table does not exist."""
        if not self.table.exists():
            raise TableError(f"{flag} table {self.name} does not exist; check the name.")
        return self.read()

    def unseen(self, frame: DataFrame, keys: list[str]) -> DataFrame:
        """``frame`` less the rows whose ``keys`` main already holds."""
        if not self.has_rows():
            return frame
        seen = self.read().select(*keys).where(F.col(f"`{keys[0]}`").isNotNull()).distinct()
        return frame.join(seen, on=keys, how="left_anti")

    def append(self, frame: DataFrame, run_id: str, branch: str) -> int:
        """Append ``frame``, tagged with ``run_id``, to a new ``branch`` (created with the table, or
        the columns it lacks); main does not move. Return the rows appended."""
        tagged = frame.withColumn(RUN_COLUMN, F.lit(run_id))
        self.table.create_or_evolve(tagged.schema, None)
        self.table.create_branch(branch)
        self.branch = branch
        have = self.read().schema
        types = {f.name: f.dataType for f in tagged.schema.fields}
        # a column an earlier run's input had and this one lacks is written as null
        aligned = tagged.select(
            *[
                F.col(f"`{f.name}`") if f.name in types else F.lit(None).cast(f.dataType).alias(f.name)
                for f in have
            ]
        )
        aligned.observe(self.added, F.count(F.lit(1)).alias("n")).writeTo(
            self.table.branch_name(branch)
        ).append()
        return int(self.added.get["n"] or 0)

    def publish(self) -> None:
        """Fast-forward main to the run's branch and drop the branch."""
        self.table.fast_forward(self.branch)
        self.table.drop_branch(self.branch)
        self.branch = None

    def discard(self) -> None:
        """Drop the run's branch (a failed run): its raw rows are never published."""
        if self.branch is not None:
            self.table.drop_branch(self.branch)
            self.branch = None

    def of_run(self, run_id: str) -> DataFrame:
        return self.read().where(F.col(RUN_COLUMN) == F.lit(run_id))

    def home(self) -> str:
        """``<table location>.piimask``: where the kit keeps its files about the table. Known
        before the table exists (the catalog puts a new table in its database's folder), so a
        run can read the held-back rows before it knows the quarantine's columns."""
        if self.table.exists():
            return self.table.audit_root()
        db = self.name.rsplit(".", 1)[0]
        self.table.spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {db}")
        info = dict(self.table.spark.sql(f"DESCRIBE NAMESPACE EXTENDED {db}").collect())
        if not info.get("Location"):
            raise TableError(f"the catalog gives no location for database {db}; set its location.")
        return posixpath.join(info["Location"].rstrip("/"), self.name.rsplit(".", 1)[1]) + ".piimask"
