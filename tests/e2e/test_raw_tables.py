"""The vault and the quarantine as Iceberg tables beside a table output, for real: the Iceberg
runtime in the shared session, the file-based catalog ``lake`` (tests/conftest.py). A run appends
only new entries and rows to a branch of each and publishes them before the output's main;
detokenize, erase and verify read them."""

from __future__ import annotations

import importlib
import json
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from lifecycle_fixtures import ROOT, SUBJECT, digest, input_files, plain_token, row, write_csv
from pyspark.sql import functions as F

from piimask.errors import Refused, UsageError
from piimask.job import RunOptions, run
from piimask.keys.keyring import new_keyring, save
from piimask.lifecycle.detokenize import detokenize
from piimask.lifecycle.erase import erase
from piimask.storage.iceberg import Table
from piimask.storage.raw_tables import RawTable
from piimask.verify import verify

RUBRIC = str(ROOT / "rubric.yaml")


@pytest.fixture
def lake(spark, tmp_path):
    """Input (the lifecycle rows, an invalid row and a held-back row of the subject), a keyring,
    three tables."""
    inp = tmp_path / "input"
    inp.mkdir()
    files = input_files()
    files[2][-1] = row(29, 0, "2026-02-19T09:45:00+00:00", gps_lat="123.5")  # the subject's, quarantined
    # the subject alone in a far-away cell: a class below k, held back (beside the quarantine table)
    files[2].append(row(30, 0, "2026-02-20T09:45:00+00:00", gps_lat="-33.861", gps_lon="151.212"))
    for n, rows in enumerate(files):
        write_csv(inp / f"part{n}.csv", rows)
    keyring = new_keyring("quarterly", back=8, ahead=4, now=datetime(2026, 4, 22))
    ref = f"file:{tmp_path / 'keyring.json'}"
    save(keyring, ref)
    tag = uuid.uuid4().hex[:8]
    names = {"output": f"lake.masked.t{tag}", "vault": f"lake.raw.v{tag}", "quarantine": f"lake.raw.q{tag}"}
    return {"spark": spark, "root": tmp_path, "input": inp, "keyring": keyring, "ref": ref, **names}


def _run(lake, inp=None, output=None):
    o = RunOptions(
        RUBRIC, str(inp or lake["input"]), output or lake["output"], lake["quarantine"], lake["vault"],
        lake["ref"], output_format="iceberg" if output is None else "parquet",
    )  # fmt: skip
    return run(lake["spark"], o)


def _raw(lake, which: str) -> RawTable:
    return RawTable.open(lake["spark"], lake[which])


def _files_hold(spark, table: RawTable, column: str, values: list[str]) -> list[str]:
    """The Parquet files under the table's folder whose ``column`` holds one of ``values``."""
    location = Path(table.table.location().removeprefix("file:"))
    files = [str(p) for p in location.rglob("*.parquet")]
    hits = []
    for f in files:
        df = spark.read.parquet(f)
        if column in df.columns and df.where(F.col(column).isin(values)).count():
            hits.append(f)
    return hits


def test_a_table_run_appends_the_vault_and_the_quarantine_once(spark, lake):
    first = _run(lake)
    c = first["counts"]
    vault, quarantine = _raw(lake, "vault"), _raw(lake, "quarantine")
    assert c["vault_entries_added"] > 0 and c["quarantine_rows_added"] == c["rows_quarantined"] == 1
    assert vault.read().count() == vault.of_run(first["run_id"]).count() == c["vault_entries_added"]
    assert quarantine.of_run(first["run_id"]).count() == 1
    for t in (vault, quarantine):  # published, branch dropped, the run's record beside the table
        assert set(t.table.refs()) == {"main"}
        assert (
            json.loads(Path(t.home(), "_audit", f"{first['run_id']}.json").read_text())["run_id"]
            == first["run_id"]
        )
    assert first["vault"] == {"path": lake["vault"], "partition": None, "table": True}
    assert not Path(lake["vault"]).exists() and not Path(lake["quarantine"]).exists()  # no stray folders
    assert c["rows_held"] > 0  # held-back rows wait beside the quarantine table
    assert list(Path(quarantine.home(), "_held").glob("run_id=*"))
    report = verify(spark, RUBRIC, lake["output"], raw=str(lake["input"]), quarantine=lake["quarantine"])
    assert report.passed, [(r.check, r.message) for r in report.failed]

    second = _run(lake)
    assert second["counts"]["vault_entries_added"] == second["counts"]["quarantine_rows_added"] == 0
    assert vault.read().count() == c["vault_entries_added"] and quarantine.read().count() == 1
    report = verify(spark, RUBRIC, lake["output"], quarantine=lake["quarantine"])
    assert report.passed, [(r.check, r.message) for r in report.failed]


def test_detokenize_reads_the_table_vault(spark, lake, tmp_path):
    _run(lake)
    op = plain_token(lake["keyring"].token, "op", "operator_id", SUBJECT[0])
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(op + "\n", encoding="utf-8")
    pairs, event, path = detokenize(spark, lake["vault"], "operator_id", str(tokens), "DSAR ticket 4711")
    assert pairs == [(op, SUBJECT[0])] and event["tokens_found"] == 1
    assert Path(path).parent == Path(_raw(lake, "vault").home(), "_access_log")


def test_erase_leaves_no_file_of_the_raw_tables_holding_the_person(spark, lake, tmp_path):
    _run(lake)
    vault, quarantine = _raw(lake, "vault"), _raw(lake, "quarantine")
    assert vault.read().where(F.col("value") == SUBJECT[0]).count() == 1
    assert quarantine.read().where(F.col("operator_id") == SUBJECT[0]).count() == 1
    values = tmp_path / "values.txt"
    values.write_text(SUBJECT[0] + "\n", encoding="utf-8")
    cert = erase(
        spark, RUBRIC, lake["output"], lake["vault"], lake["ref"], "operator_id", str(values),
        quarantine=lake["quarantine"],
    ).certificate  # fmt: skip
    assert cert["counts"]["vault_entries_removed_by_column"] == {"operator_id": 1}
    assert cert["counts"]["quarantine_rows_removed"] == cert["counts"]["held_rows_removed"] == 1
    assert set(cert["raw_tables"]) == {lake["vault"], lake["quarantine"]}
    assert all(facts["snapshots_expired"] for facts in cert["raw_tables"].values())
    assert vault.read().where(F.col("value") == SUBJECT[0]).count() == 0
    assert vault.read().count() > 0 and quarantine.read().count() == 0  # its only row was the person's
    assert list(Path(vault.table.location().removeprefix("file:")).rglob("*.parquet"))
    # every Parquet file left under each table, read one by one: none holds the person
    assert _files_hold(spark, vault, "value", [SUBJECT[0]]) == []
    assert _files_hold(spark, quarantine, "operator_id", [SUBJECT[0]]) == []
    assert _files_hold(spark, quarantine, "operator_email", [SUBJECT[1]]) == []
    digests = sorted(digest(k, SUBJECT[1]) for k in lake["keyring"].direct.values())
    assert Table(spark, lake["output"]).read().where(F.col("operator_email").isin(digests)).count() == 0
    report = verify(spark, RUBRIC, lake["output"], quarantine=lake["quarantine"])
    assert report.passed, [(r.check, r.message) for r in report.failed]


def test_a_failed_audit_publishes_nothing_to_the_raw_tables(spark, lake, monkeypatch):
    from piimask.job.hold import RAW

    _run(lake)
    vault, quarantine = _raw(lake, "vault"), _raw(lake, "quarantine")
    before = {t.name: (t.table.snapshot("main"), t.read().count()) for t in (vault, quarantine)}
    job_run = importlib.import_module("piimask.job.run")
    real_mask = job_run.mask

    def leaky(frame, rubric, columns, carry=()):  # a masking bug: the raw e-mail where a digest belongs
        out = real_mask(frame, rubric, columns, carry=carry)
        return out.withColumn("operator_email", F.col(f"`{RAW}`.operator_email"))

    monkeypatch.setattr(job_run, "mask", leaky)
    more = lake["root"] / "more"
    more.mkdir()
    # new events of a new operator, one of them invalid (a new quarantine row, a new vault entry)
    new = [r | {"event_id": r["event_id"] + "x", "operator_id": "OP-79999"} for f in input_files() for r in f]
    write_csv(more / "p.csv", new)
    with pytest.raises(Refused, match="failed verify on branch audit_"):
        _run(lake, more)
    for t in (vault, quarantine):  # main as it was, the run's raw branch dropped
        assert (t.table.snapshot("main"), t.read().count()) == before[t.name]
        assert set(t.table.refs()) == {"main"}
    assert vault.read().where(F.col("value") == "OP-79999").count() == 0


def test_a_table_vault_with_a_folder_output_is_refused(spark, lake, monkeypatch):
    monkeypatch.chdir(lake["root"])  # were the name taken as a relative folder, it would be here
    with pytest.raises(UsageError, match="--vault .* names an Iceberg table, but --output is a folder"):
        _run(lake, output=str(lake["root"] / "out"))
    assert not (lake["root"] / "out").exists() and not (lake["root"] / lake["vault"]).exists()
