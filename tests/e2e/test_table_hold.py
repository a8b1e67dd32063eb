"""k-anonymity over a whole Iceberg table across incremental runs (rows held back until their
class reaches k), and the quarantine written once per invalid row. Real Iceberg: the runtime jar
in the shared local session and a file-based catalog (tests/conftest.py)."""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from lifecycle_fixtures import SUBJECT, row, write_csv
from pyspark.sql import functions as F
from rubric_variants import with_quarantine_ceiling

from piimask.job import RunOptions, run
from piimask.job.cli import summary
from piimask.keys.keyring import new_keyring, save
from piimask.lifecycle.erase import erase
from piimask.storage.iceberg import Table
from piimask.verify import verify

# rubric.yaml (k = 5 over gps_lat, gps_lon, job_site_address; generalize) with a quarantine ceiling
# that admits the one invalid row of a 7-row batch (the 5% default is tested in test_attacks.py)
RUBRIC = with_quarantine_ceiling(Path(tempfile.mkdtemp(prefix="piimask-hold-")), 0.5)
K = 5
QIS = ["gps_lat", "gps_lon", "job_site_address"]
_n = iter(range(1000))


def rows(lat: str, n: int) -> list[dict]:
    """``n`` events at latitude ``lat`` (its 0.01-degree cell is the class), all in 2026Q2."""
    out = []
    for _ in range(n):
        i = next(_n)
        out.append(row(i, i % 4, f"2026-05-{1 + i % 28:02d}T{i % 24:02d}:10:00+00:00", gps_lat=lat))
    return out


def batch(root: Path, name: str, content: list[dict]) -> Path:
    folder = root / name
    folder.mkdir()
    write_csv(folder / "part.csv", content)
    return folder


def smallest_class(spark, table: str) -> int:
    return Table(spark, table).read().groupBy(*QIS).count().agg(F.min("count")).first()[0]


def held_partitions(quarantine: Path) -> list[Path]:
    return sorted((quarantine / "_held").glob("run_id=*"))


def test_k_holds_over_the_table_across_incremental_runs_and_held_rows_are_released(spark, tmp_path):
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"file:{tmp_path / 'keyring.json'}"
    save(keyring, ref)
    table = f"lake.masked.h{uuid.uuid4().hex[:8]}"
    quarantine = tmp_path / "quarantine"

    def job(folder: Path) -> dict:
        o = RunOptions(
            RUBRIC, str(folder), table, str(quarantine), str(tmp_path / "vault"), ref, output_format="iceberg"
        )
        record = run(spark, o)
        c = record["counts"]
        assert f"held back {c['rows_held']}" in summary(record)  # what `pii-mask run` prints
        assert c["rows_in"] == (
            c["rows_out"] + c["rows_quarantined"] + c["rows_suppressed"] + c["rows_held"]
            + c["rows_already_in_table"]
        )  # fmt: skip
        assert smallest_class(spark, table) >= K  # k over every row of the published table
        report = verify(spark, RUBRIC, table)
        assert report.passed, [(r.check, r.message) for r in report.failed]
        return c

    # 1: cell A reaches k alone; B (2 rows) and C (3 rows) are too small even one level coarser
    one = job(batch(tmp_path, "b1", rows("10.012", 6) + rows("20.013", 2) + rows("30.014", 3)))
    assert (one["rows_out"], one["rows_held"], one["rows_from_hold"]) == (6, 5, 0)
    assert len(held_partitions(quarantine)) == 1
    held = spark.read.parquet(str(held_partitions(quarantine)[0]))
    assert held.count() == 5 and "operator_email" in held.columns  # raw rows, in the raw zone
    assert "@" in held.first()["operator_email"]

    # 2: B reaches k with its held rows; C and a second cell of C's coarse cell (30.0) still do
    # not (3 + 1 < 5); A grows by one row (the table already holds 6); D is new and alone
    two = job(
        batch(tmp_path, "b2", rows("20.012", 3) + rows("30.032", 1) + rows("10.011", 1) + rows("40.011", 1))
    )
    assert two["rows_from_hold"] == 5 and two["rows_in"] == 6 + 5
    assert (two["rows_out"], two["rows_held"]) == (3 + 2 + 1, 3 + 1 + 1)
    assert len(held_partitions(quarantine)) == 1  # the run's own partition replaced the one it read
    published = Table(spark, table).read()
    assert published.where(F.col("gps_lat") == 20.01).count() == 5  # B: 2 held + 3 new, fine cell

    # 3: a third cell of 30.0 brings it to 5: released one level coarser (0.1 degree); D waits;
    # one invalid row is quarantined
    bad = rows("95.5", 1)  # a latitude outside [-90, 90]
    three_in = batch(tmp_path, "b3", rows("30.042", 1) + bad)
    three = job(three_in)
    assert (three["rows_out"], three["rows_held"], three["rows_quarantined"]) == (5, 1, 1)
    assert three["quarantine_rows_added"] == 1
    coarse = Table(spark, table).read().where(F.col("gps_lat") == 30.0)
    assert coarse.count() == 5  # C's three rows, 30.03 and 30.04, all at the coarser cell
    assert Table(spark, table).read().count() == 6 + 1 + 5 + 5

    # 4: the same input again adds nothing: no row, no held row, no quarantined row
    again = job(three_in)
    assert (again["rows_out"], again["rows_held"], again["quarantine_rows_added"]) == (0, 1, 0)
    assert again["rows_quarantined"] == 1 and again["rows_already_in_table"] == 1
    assert Table(spark, table).read().count() == 17
    q = spark.read.parquet(str(quarantine))
    assert q.count() == 1  # written once, by run 3, not again by the re-run
    assert len(held_partitions(quarantine)) == 1
    held = spark.read.parquet(str(held_partitions(quarantine)[0]))
    assert held.count() == 1 and held.first()["operator_email"] == SUBJECT[1]  # D, still waiting

    # erasing the held row's person also removes the held raw row (it is in the raw zone)
    values = tmp_path / "values.txt"
    values.write_text(SUBJECT[1] + "\n", encoding="utf-8")
    result = erase(
        spark, RUBRIC, table, str(tmp_path / "vault"), ref, "operator_email", str(values),
        quarantine=str(quarantine),
    )  # fmt: skip
    assert result.certificate["counts"]["held_rows_removed"] == 1
    assert SUBJECT[1] not in json.dumps(result.certificate)
    left = [spark.read.parquet(str(p)) for p in held_partitions(quarantine)]
    assert sum(df.where(F.col("operator_email") == SUBJECT[1]).count() for df in left) == 0
    report = verify(spark, RUBRIC, table)
    assert report.passed, [(r.check, r.message) for r in report.failed]
