"""Iceberg table outputs, for real: the Iceberg Spark runtime in the shared local session, a
file-based (hadoop) catalog ``lake`` in a temporary warehouse (tests/conftest.py sets
PIIMASK_WAREHOUSE before the session starts)."""

from __future__ import annotations

import importlib
import re
import uuid
from pathlib import Path

import pytest
from lifecycle_fixtures import ROOT, SUBJECT, digest, input_files, write_csv
from pyspark.sql import functions as F

from piimask.errors import Refused
from piimask.job import RunOptions, run
from piimask.keys.keyring import new_keyring, save
from piimask.lifecycle.erase import erase
from piimask.storage.iceberg import ROW_DIGEST, Table
from piimask.verify import verify

RUBRIC = str(ROOT / "rubric.yaml")


@pytest.fixture
def lake(tmp_path):
    """Input files, a keyring, raw-zone folders and a fresh table name."""
    from datetime import datetime

    inp = tmp_path / "input"
    inp.mkdir()
    for n, rows in enumerate(input_files()):
        write_csv(inp / f"part{n}.csv", rows)
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"file:{tmp_path / 'keyring.json'}"
    save(keyring, ref)
    table = f"lake.masked.t{uuid.uuid4().hex[:8]}"
    return {"root": tmp_path, "input": inp, "keyring": keyring, "ref": ref, "table": table}


def _run(lake, inp=None):
    o = RunOptions(
        RUBRIC, str(inp or lake["input"]), lake["table"], str(lake["root"] / "quarantine"),
        str(lake["root"] / "vault"), lake["ref"], output_format="iceberg",
    )  # fmt: skip
    return run(lake["spark"], o)


@pytest.fixture
def ran(spark, lake):
    lake["spark"] = spark
    lake["record"] = _run(lake)
    return lake


def test_a_run_publishes_a_verified_partitioned_table_and_a_rerun_adds_nothing(spark, ran):
    table = Table(spark, ran["table"])
    first = ran["record"]
    assert first["counts"]["rows_added_to_table"] == first["counts"]["rows_out"] > 0
    assert table.read().count() == first["counts"]["table_rows"] == first["counts"]["rows_out"]
    assert set(table.refs()) == {"main"}  # the run's audit branch was published and dropped
    spec = spark.sql(f"SELECT * FROM {ran['table']}.partitions").columns
    assert "partition" in spec
    assert Path(table.audit_root(), "_audit", f"{first['run_id']}.json").exists()
    report = verify(spark, RUBRIC, ran["table"], raw=str(ran["input"]), keyring=ran["ref"])
    assert report.passed, [(r.check, r.message) for r in report.failed]

    second = _run(ran)
    assert second["counts"]["rows_added_to_table"] == 0
    assert second["counts"]["rows_already_in_table"] == first["counts"]["rows_out"]
    assert table.read().count() == first["counts"]["rows_out"]


def test_incremental_runs_add_only_new_rows(spark, lake, tmp_path):
    lake["spark"] = spark
    files = input_files()
    halves = [tmp_path / "a", tmp_path / "b"]
    for half in halves:
        half.mkdir()
    write_csv(halves[0] / "p0.csv", files[0])
    write_csv(halves[1] / "p1.csv", files[1])
    write_csv(halves[1] / "p0.csv", files[0])  # the second batch repeats the first
    one = _run(lake, halves[0])
    two = _run(lake, halves[1])
    assert two["counts"]["rows_already_in_table"] == one["counts"]["rows_out"]
    assert two["counts"]["rows_added_to_table"] == two["counts"]["rows_out"] == len(files[1])
    total = Table(spark, lake["table"]).read()
    assert total.count() == two["counts"]["table_rows"]
    assert total.select(ROW_DIGEST).distinct().count() == total.count()
    assert verify(spark, RUBRIC, lake["table"]).passed


def _files_per_partition(spark, name: str) -> list[int]:
    rows = spark.sql(f"SELECT partition, count(*) FROM {name}.files GROUP BY partition").collect()
    return [r[1] for r in rows]


def test_partitions_that_gather_small_files_are_compacted_and_verify_still_passes(spark, ran, monkeypatch):
    """Each run adds a data file to every day partition its rows fall in; once a partition holds
    COMPACT_MIN_FILES files the run rewrites it after publishing: one commit, the same rows."""
    job_table = importlib.import_module("piimask.job.table")
    table = Table(spark, ran["table"])
    assert max(_files_per_partition(spark, ran["table"])) == 1
    before = {r[0] for r in table.read().select(ROW_DIGEST).collect()}
    monkeypatch.setattr(job_table, "COMPACT_MIN_FILES", 2)
    # the same events under new ids: the same days (partitions) and classes, new digests
    _more(ran, "again", [r | {"event_id": r["event_id"] + "c"} for r in input_files()[0]])
    second = _run(ran)
    added = second["counts"]["rows_added_to_table"]
    assert added == len(input_files()[0])
    assert max(_files_per_partition(spark, ran["table"])) == 1  # two files a partition became one
    latest = spark.sql(f"SELECT operation FROM {ran['table']}.snapshots ORDER BY committed_at DESC LIMIT 1")
    assert latest.first()[0] == "replace"  # the rewrite is its own commit, after the run's append
    after = [r[0] for r in table.read().select(ROW_DIGEST).collect()]
    assert len(after) == len(set(after)) == len(before) + added and before <= set(after)
    report = verify(spark, RUBRIC, ran["table"])
    assert report.passed, [(r.check, r.message) for r in report.failed]


def _more(ran, name: str, rows: list[dict]) -> None:
    """Point the next run at a new input folder holding ``rows``."""
    ran["input"] = ran["root"] / name
    ran["input"].mkdir()
    write_csv(ran["input"] / "p.csv", rows)


def _refused_and_main_unchanged(spark, ran, match: str) -> tuple[Refused, list[str]]:
    """Run the job, expect write-audit-publish to refuse; main keeps its snapshot and rows, the
    run's audit branch is kept (with more rows than main). Return the error and the branch."""
    table = Table(spark, ran["table"])
    main_before, rows_before = table.snapshot("main"), table.read().count()
    with pytest.raises(Refused, match=match) as err:
        _run(ran)
    assert table.snapshot("main") == main_before and table.read().count() == rows_before
    branches = [b for b in table.refs() if b.startswith("audit_")]
    assert len(branches) == 1 and table.read(branch=branches[0]).count() > rows_before
    return err.value, branches


def test_a_branch_whose_new_rows_fail_verify_never_reaches_main(spark, ran, monkeypatch):
    from piimask.job.hold import RAW

    job_run = importlib.import_module("piimask.job.run")  # the module (piimask.job.run is also a function)

    real_mask = job_run.mask

    def leaky(frame, rubric, columns, carry=()):  # a masking bug: the raw e-mail where a digest belongs
        out = real_mask(frame, rubric, columns, carry=carry)
        return out.withColumn("operator_email", F.col(f"`{RAW}`.operator_email"))

    monkeypatch.setattr(job_run, "mask", leaky)
    _more(ran, "more", [r | {"event_id": r["event_id"] + "x"} for r in input_files()[1]])
    err, _ = _refused_and_main_unchanged(spark, ran, "failed verify on branch audit_")
    assert "operator_email" in str(err) and SUBJECT[1] not in str(err)


def test_a_branch_whose_new_rows_break_k_over_the_table_never_reaches_main(spark, ran, monkeypatch):
    from dataclasses import replace

    job_table = importlib.import_module("piimask.job.table")

    real_split = job_table.split

    def release_all(cand, published, rubric, columns):  # a k bug: every candidate published
        return real_split(
            cand, published, replace(rubric, privacy=replace(rubric.privacy, action="report")), columns
        )

    monkeypatch.setattr(job_table, "split", release_all)
    # two new events in a 0.01-degree cell no published row holds: each row is valid and masked
    # correctly (every row check passes), but the class they make with the table has 2 < k rows
    lonely = [
        r | {"event_id": r["event_id"] + "k", "gps_lat": "-33.861", "gps_lon": "151.212"}
        for r in input_files()[1][:2]
    ]
    _more(ran, "lonely", lonely)
    err, _ = _refused_and_main_unchanged(spark, ran, "failed verify on branch audit_")
    # the table-wide check alone failed: every row check passed on the new rows
    failed = re.search(r": (.*)\. Main is unchanged", str(err)).group(1)
    assert failed == "smallest class >= k = 5 (gps_lat, gps_lon, job_site_address)", str(err)


def test_the_job_checks_its_new_rows_and_verify_checks_every_row(spark, ran):
    """The job's audit runs the row checks on the rows it appends only (main's rows were checked
    when they were published); a user's ``verify --output TABLE`` checks every row."""
    table = Table(spark, ran["table"])
    # a raw e-mail where a digest belongs, committed to main behind the kit's back
    bad = table.read().limit(1).withColumn("operator_email", F.lit(SUBJECT[1]))
    bad.withColumn(ROW_DIGEST, F.lit("f" * 64)).writeTo(ran["table"]).append()
    report = verify(spark, RUBRIC, ran["table"])
    assert "operator_email" in {r.column for r in report.failed}
    _more(ran, "more", [r | {"event_id": r["event_id"] + "x"} for r in input_files()[1]])
    record = _run(ran)  # its own rows pass; the tampered row is not the run's to judge
    assert record["counts"]["rows_added_to_table"] == len(input_files()[1])
    assert record["counts"]["table_rows"] == table.read().count()
    report = verify(spark, RUBRIC, ran["table"])  # still found by the whole-table verify
    assert {r.column for r in report.failed} == {"operator_email"}, [
        (r.check, r.message) for r in report.failed
    ]


def test_erase_deletes_the_rows_and_leaves_no_data_file_holding_them(spark, ran, tmp_path):
    table = Table(spark, ran["table"])
    digests = {digest(k, SUBJECT[1]) for k in ran["keyring"].direct.values()}
    held = table.read().where(F.col("operator_email").isin(sorted(digests))).count()
    assert held == 4
    values = tmp_path / "values.txt"
    values.write_text(SUBJECT[1] + "\n", encoding="utf-8")
    result = erase(
        spark, RUBRIC, ran["table"], str(ran["root"] / "vault"), ran["ref"], "operator_email", str(values),
        quarantine=str(ran["root"] / "quarantine"),
    )  # fmt: skip
    cert = result.certificate
    assert cert["counts"]["rows_requested_removed"] == 4
    assert cert["table"]["snapshots_expired"]  # the snapshots that held the rows are named
    assert table.read().where(F.col("operator_email").isin(sorted(digests))).count() == 0
    # every Parquet file left under the table, read one by one: none holds the digests
    location = Path(table.location().removeprefix("file:"))
    files = [str(p) for p in location.rglob("*.parquet")]
    assert files
    for f in files:
        df = spark.read.parquet(f)
        if "operator_email" in df.columns:
            assert df.where(F.col("operator_email").isin(sorted(digests))).count() == 0, f
    report = verify(spark, RUBRIC, ran["table"])
    assert report.passed, [(r.check, r.message) for r in report.failed]


def test_a_table_output_needs_a_configured_catalog_and_a_three_part_name(spark, lake):
    from piimask.errors import UsageError

    lake["spark"] = spark
    for name, words in (
        ("nocat.masked.t", "no Iceberg catalog 'nocat'"),
        ("masked/t", "catalog.database.table"),
    ):
        lake["table"] = name
        with pytest.raises(UsageError, match=words):
            _run(lake)


def test_retention_deletes_old_rows_expires_snapshots_and_verify_passes(spark, ran):
    from datetime import UTC, datetime

    from piimask.lifecycle.retention import retention, summary

    table = Table(spark, ran["table"])
    now = datetime(2028, 2, 15, tzinfo=UTC)  # output_days 730: events before 2026-02-15 expire
    old = F.unix_seconds(F.col("event_ts")) < int(datetime(2026, 2, 15, tzinfo=UTC).timestamp())
    expected = table.read().where(old).count()
    assert 0 < expected < table.read().count()
    before = table.snapshot("main")
    dry = retention(spark, RUBRIC, ran["ref"], ran["table"], apply=False, now=now)
    assert dry["plan"]["rows_expired"] == expected and dry["plan"]["days_expired"] >= 2
    assert table.snapshot("main") == before and table.read().where(old).count() == expected  # dry: no change

    done = retention(spark, RUBRIC, ran["ref"], ran["table"], apply=True, now=now)
    assert (
        done["counts"]["table_rows_removed"] == expected and done["applies_to_run"] == ran["record"]["run_id"]
    )
    assert before in done["table"]["snapshots_expired"]  # the record names the snapshots expired
    assert done["table"]["snapshot_after"] == table.snapshot("main") != before
    assert "snapshot" in summary(done)
    assert Path(done["record_path"]).exists()
    assert table.read().where(old).count() == 0
    # no data file left under the table holds an expired row (old snapshots and orphans are gone)
    for f in Path(table.location().removeprefix("file:")).rglob("*.parquet"):
        df = spark.read.parquet(str(f))
        if "event_ts" in df.columns:
            assert df.where(old).count() == 0, f
    report = verify(spark, RUBRIC, ran["table"])
    assert report.passed, [(r.check, r.message) for r in report.failed]
