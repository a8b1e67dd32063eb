"""Iceberg tables: names, the catalog check, branches (write-audit-publish), erasure's cleanup.

A table output is named ``catalog.database.table``. The catalog is whatever the session
configures under ``spark.sql.catalog.<catalog>``: locally a file-based (hadoop) catalog, which
``session.get_spark`` sets up as ``lake`` when ``PIIMASK_WAREHOUSE`` names a folder; on Glue the
Glue Data Catalog (``type=glue``, the job's ``--conf``). Every statement here is the same for
both, so one code path serves tests and AWS.

Owns: table naming rules, creating and evolving a table, branches, snapshot ids, expiring
snapshots and removing orphan files. Imports: errors only.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StructType

from piimask.errors import UsageError

__all__ = [
    "PROPERTIES",
    "ROW_DIGEST",
    "TABLE_FORMAT",
    "Table",
    "TableError",
    "is_table_name",
    "parse_table",
]

TABLE_FORMAT = "iceberg"  # the --output-format whose --output names a table
ROW_DIGEST = "_piimask_row"  # sha-256 of a masked row: what makes a re-run add nothing
_PART = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME = re.compile(rf"^({_PART})\.({_PART})\.({_PART})$")
# Every table the kit writes: v2 (row-level deletes), and copy-on-write deletes so that an erased
# row leaves no data file once the old snapshots expire (merge-on-read would keep the old file
# and add a delete file beside it).
PROPERTIES = {
    "format-version": "2",
    "write.delete.mode": "copy-on-write",
    "write.update.mode": "copy-on-write",
    "write.merge.mode": "copy-on-write",
    "write.metadata.delete-after-commit.enabled": "true",
}


class TableError(UsageError):
    """A table name, catalog or table state the kit cannot work with: exit code 2."""


def is_table_name(value: str) -> bool:
    return bool(_NAME.match(value or ""))


def parse_table(value: str) -> tuple[str, str, str]:
    m = _NAME.match(value or "")
    if not m:
        raise TableError(
            f"an iceberg output is named catalog.database.table (letters, digits, underscores); "
            f"found {value!r}."
        )
    return m.group(1), m.group(2), m.group(3)


@dataclass(frozen=True)
class Table:
    spark: SparkSession
    name: str  # catalog.database.table

    @property
    def catalog(self) -> str:
        return parse_table(self.name)[0]

    @property
    def relative(self) -> str:
        """database.table, as the catalog's procedures take it."""
        _, db, table = parse_table(self.name)
        return f"{db}.{table}"

    def check_catalog(self) -> None:
        key = f"spark.sql.catalog.{self.catalog}"
        if not self.spark.conf.get(key, None):
            raise TableError(
                f"the session has no Iceberg catalog {self.catalog!r} ({key} is not set). Locally, set "
                "PIIMASK_WAREHOUSE to a folder and name the table lake.<database>.<table>; on Glue, "
                "pass --datalake-formats iceberg and the catalog's --conf (see docs/tables.md)."
            )

    def exists(self) -> bool:
        return bool(self.spark.catalog.tableExists(self.name))

    def create_or_evolve(self, schema: StructType, partition_column: str | None) -> None:
        """Create the table for ``schema`` (partitioned by the day of ``partition_column``), or add
        the columns it lacks; a column whose type changed is refused."""
        db = self.name.rsplit(".", 1)[0]
        self.spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {db}")
        if not self.exists():
            cols = ", ".join(f"`{f.name}` {f.dataType.simpleString()}" for f in schema.fields)
            part = f" PARTITIONED BY (days(`{partition_column}`))" if partition_column else ""
            props = ", ".join(f"'{k}'='{v}'" for k, v in PROPERTIES.items())
            self.spark.sql(f"CREATE TABLE {self.name} ({cols}) USING iceberg{part} TBLPROPERTIES ({props})")
            return
        have = {f.name: f.dataType for f in self.spark.table(self.name).schema.fields}
        changed = [f.name for f in schema.fields if f.name in have and have[f.name] != f.dataType]
        if changed:
            raise TableError(
                f"table {self.name} has other types for column(s) {', '.join(changed)} than this run "
                "writes; nothing was written. Write to a new table or migrate this one."
            )
        for f in schema.fields:
            if f.name not in have:
                self.spark.sql(f"ALTER TABLE {self.name} ADD COLUMN `{f.name}` {f.dataType.simpleString()}")

    def snapshot(self, ref: str = "main") -> int | None:
        rows = self.spark.sql(f"SELECT snapshot_id FROM {self.name}.refs WHERE name = '{ref}'").collect()
        return int(rows[0][0]) if rows else None

    def refs(self) -> dict[str, int]:
        return {
            r[0]: int(r[1])
            for r in self.spark.sql(f"SELECT name, snapshot_id FROM {self.name}.refs").collect()
        }

    def create_branch(self, branch: str) -> None:
        self.spark.sql(f"ALTER TABLE {self.name} CREATE BRANCH {branch}")

    def branch_name(self, branch: str) -> str:
        return f"{self.name}.branch_{branch}"

    def read(self, branch: str | None = None, snapshot: int | None = None) -> DataFrame:
        reader = self.spark.read
        if branch:
            reader = reader.option("branch", branch)
        if snapshot is not None:
            reader = reader.option("snapshot-id", str(snapshot))
        return reader.table(self.name)

    def appended(self, since: int, until: int) -> DataFrame:
        """The rows appended after snapshot ``since`` up to ``until`` (Iceberg's incremental
        read: only the data files those append snapshots added are scanned)."""
        return (
            self.spark.read.format("iceberg")
            .option("start-snapshot-id", str(since))
            .option("end-snapshot-id", str(until))
            .load(self.name)
        )

    def fast_forward(self, branch: str) -> None:
        """Publish ``branch``: main moves to it in one metadata commit, or nothing changes."""
        self.spark.sql(
            f"CALL {self.catalog}.system.fast_forward('{self.relative}', 'main', '{branch}')"
        ).collect()

    def drop_branch(self, branch: str) -> None:
        self.spark.sql(f"ALTER TABLE {self.name} DROP BRANCH IF EXISTS {branch}")

    def drop_refs_but_main(self) -> list[str]:
        """Drop every branch and tag but main; return their names."""
        refs = self.spark.sql(f"SELECT name, type FROM {self.name}.refs WHERE name != 'main'").collect()
        for name, kind in refs:
            self.spark.sql(f"ALTER TABLE {self.name} DROP {'TAG' if kind == 'TAG' else 'BRANCH'} `{name}`")
        return sorted(r[0] for r in refs)

    def expire_all(self) -> list[int]:
        """Expire every snapshot but main's current one (no branch or tag may pin older ones);
        return the ids expired. Their data files that no live snapshot needs are deleted."""
        before = {
            int(r[0]) for r in self.spark.sql(f"SELECT snapshot_id FROM {self.name}.snapshots").collect()
        }
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 1))
        self.spark.sql(
            f"CALL {self.catalog}.system.expire_snapshots(table => '{self.relative}', "
            f"older_than => TIMESTAMP '{now}', retain_last => 1)"
        ).collect()
        after = {
            int(r[0]) for r in self.spark.sql(f"SELECT snapshot_id FROM {self.name}.snapshots").collect()
        }
        return sorted(before - after)

    def remove_orphans(self) -> int:
        """Delete the files under the table that no metadata references (left by failed writes).
        Iceberg's procedure refuses a cutoff under a day, so the Action API is used: the caller
        holds the only writer (the job's one-run-at-a-time contract)."""
        jvm, js = self.spark._jvm, self.spark._jsparkSession
        table = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(js, self.name)
        action = jvm.org.apache.iceberg.spark.actions.SparkActions.get(js).deleteOrphanFiles(table)
        result = action.olderThan(int(time.time() * 1000)).execute()
        return len(list(result.orphanFileLocations()))

    def compact(self, min_files: int) -> tuple[int, int]:
        """Rewrite each partition holding at least ``min_files`` data files into as few as its
        size needs (Iceberg's ``rewrite_data_files``, bin-packing; one atomic commit on main, the
        same rows). Return (files rewritten, files added)."""
        row = self.spark.sql(
            f"CALL {self.catalog}.system.rewrite_data_files(table => '{self.relative}', "
            f"options => map('min-input-files', '{int(min_files)}'))"
        ).first()
        return int(row["rewritten_data_files_count"]), int(row["added_data_files_count"])

    def data_files(self) -> list[str]:
        """Every data file of every live snapshot (``all_files``)."""
        return [
            r[0] for r in self.spark.sql(f"SELECT DISTINCT file_path FROM {self.name}.all_files").collect()
        ]

    def audit_root(self) -> str:
        """Where the kit's records about this table live: beside the table's folder, never inside
        it (orphan-file removal would delete any file Iceberg's metadata does not name)."""
        return self.location().rstrip("/") + ".piimask"

    def location(self) -> str:
        rows = self.spark.sql(f"DESCRIBE TABLE EXTENDED {self.name}").collect()
        for r in rows:
            if r[0] == "Location":
                return r[1]
        raise TableError(f"cannot find the location of table {self.name}.")
