"""The job end to end on real files: good input, every kind of bad input, atomicity, re-runs."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import pytest
from rubric_variants import tolerant_quarantine
from run_support import COLUMNS, good_row, options, write_csv

from piimask.errors import PiiMaskError
from piimask.job import run
from piimask.keys.keyring import Keyring, KeyringError, new_keyring, save

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "seed_sample_tool_telemetry.csv"


@pytest.fixture(scope="module")
def keyring_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    save(new_keyring("quarterly", back=12, ahead=4), f"file:{path}")
    return path


def read_out(spark, path):
    return spark.read.parquet(str(path))


def nothing_published(tmp: Path) -> bool:
    out_absent = not (tmp / "out").exists()
    raw = tmp / "raw"
    raw_files = [p for p in raw.rglob("*") if p.is_file()] if raw.exists() else []
    staging = [p for p in tmp.rglob("*staging*")]
    return out_absent and not raw_files and not staging


def test_reference_sample_masks_with_the_default_rubric(spark, tmp_path, keyring_file):
    record = run(spark, options(tmp_path, REFERENCE, keyring_file))
    with REFERENCE.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    out = read_out(spark, tmp_path / "out")
    assert out.columns == list(raw[0].keys())  # names and order kept
    assert record["counts"] == {
        "rows_in": 20,
        "rows_out": 20,
        "rows_quarantined": 0,
        "rows_suppressed": 0,
        "quarantine_rows_added": 0,
        "vault_entries_added": len({r["operator_id"] for r in raw} | {r["job_site_id"] for r in raw}),
    }
    assert record["keyring"]["windows_used"] == ["2026Q2"]
    assert sorted(record["absent_optional"]) == [
        "device_mac",
        "operator_age",
        "operator_notes",
        "operator_phone",
    ]
    audit = json.loads((tmp_path / "out" / "_audit" / f"{record['run_id']}.json").read_text())
    assert audit == record
    rows = out.collect()
    assert {r.job_site_address for r in rows} <= {
        "Portland, OR",
        "New York, NY",
        "Chicago, IL",
        "Washington, DC",
        "San Francisco, CA",
    }
    assert all(len(r.operator_email) == 64 for r in rows)
    assert sorted(r.torque_nm for r in rows) == sorted(r["torque_nm"] for r in raw)


def test_full_schema_with_unicode_quotes_and_newlines(spark, tmp_path, keyring_file):
    rows = [good_row(i) for i in range(6)]
    rows[1].update(
        operator_name="José Müller-Ünal",
        operator_email="josé.müller@exämple.de",
        operator_notes='José said, "the chuck, again"\nthen called josé.müller@exämple.de',
    )
    rows[2].update(operator_name="李 小龍", operator_notes="李 小龍 at 45.5212, -122.6813")
    src = write_csv(tmp_path / "in.csv", rows)
    record = run(spark, options(tmp_path, src, keyring_file))
    assert record["counts"]["rows_out"] == 6 and record["counts"]["rows_quarantined"] == 0
    out = {r.battery_pct: r for r in read_out(spark, tmp_path / "out").collect()}
    assert out["51"].operator_notes == '[PERSON] said, "the chuck, again"\nthen called [EMAIL]'
    assert out["52"].operator_notes == "[PERSON] at [COORDINATES]"
    assert out["51"].operator_age == "20" and out["52"].gps_lat == "45.52"
    assert out["50"].device_mac != rows[0]["device_mac"]


def test_bad_rows_go_to_quarantine_with_reason_codes(spark, tmp_path, keyring_file):
    rows = [good_row(i) for i in range(5)]
    rows += [
        good_row(10, event_ts="not-a-date"),
        good_row(11, gps_lat="123.4"),
        good_row(12, gps_lon="-200", operator_email="broken.at.example.com"),
        good_row(13, job_site_address="1200 W Burnside St"),
        good_row(14, operator_age="forty"),
        {c: "" for c in COLUMNS},  # nulls in every column
        good_row(15, error_code="", operator_notes="", device_mac="", operator_phone=""),  # nullable ok
    ]
    src = write_csv(tmp_path / "in.csv", rows)
    # one row of each kind of bad value: half the input, far above the default ceiling
    record = run(spark, options(tmp_path, src, keyring_file, rubric=tolerant_quarantine()))
    c = record["counts"]
    assert (c["rows_in"], c["rows_out"], c["rows_quarantined"]) == (12, 6, 6)
    assert record["quarantine_reasons"] == {
        "event_ts:unparsable_timestamp": 1,
        "gps_lat:out_of_range": 1,
        "gps_lon:out_of_range": 1,
        "operator_email:malformed_email": 1,
        "job_site_address:unparsable_address": 1,
        "operator_age:unparsable_integer": 1,
        "event_id:missing_required": 1,
        "event_ts:missing_required": 1,
    }
    q = spark.read.parquet(record["quarantine"]["path"])
    # the input's columns (with the CSV reader's _corrupt_record) and the reasons, nothing else
    assert q.count() == 6 and q.columns == [*COLUMNS, "_corrupt_record", "_reasons", "_piimask_row"]
    kept = read_out(spark, tmp_path / "out").collect()
    assert len(kept) == 6
    null_row = [r for r in kept if r.battery_pct == "65"][0]
    assert null_row.operator_notes is None and null_row.device_mac is None  # null in, null out


@pytest.mark.parametrize("as_map", [False, True], ids=["carried-by-value-pass", "map-column-read-again"])
def test_quarantine_holds_each_invalid_row_exactly(spark, tmp_path, keyring_file, as_map):
    """The value pass carries the invalid rows to the quarantine, grouped: each must come back as
    read and as often as it occurred, doubles' -0.0 and NaN included (Spark's grouping would
    normalise them). Spark cannot group a map, so with a map column the input is read again."""
    from pyspark.sql import functions as F

    rows = [good_row(i) for i in range(4)]
    rows += [good_row(20, gps_lat="123.4")] * 2 + [good_row(21, gps_lat="95"), good_row(22, event_ts="never")]
    df = spark.read.option("header", True).csv(str(write_csv(tmp_path / "in.csv", rows)))
    special = {"evt-0020": -0.0, "evt-0021": float("nan"), "evt-0022": 5e-324}
    torque = F.lit(1.5)
    for event, value in special.items():
        torque = F.when(F.col("event_id") == event, F.lit(value)).otherwise(torque)
    df = df.withColumn("torque_nm", torque)
    if as_map:
        df = df.withColumn("error_code", F.create_map(F.lit("code"), F.col("event_id")))
    df.write.parquet(str(tmp_path / "in.parquet"))
    opts = options(
        tmp_path, tmp_path / "in.parquet", keyring_file, input_format="parquet", rubric=tolerant_quarantine()
    )
    record = run(spark, opts)
    assert (record["counts"]["rows_out"], record["counts"]["rows_quarantined"]) == (4, 4)
    q = spark.read.parquet(record["quarantine"]["path"])
    raw_schema = spark.read.parquet(str(tmp_path / "in.parquet")).schema
    assert q.schema == raw_schema.add(q.schema["_reasons"]).add(q.schema["_piimask_row"])
    got = sorted((r.event_id, r.torque_nm) for r in q.collect())
    assert [e for e, _ in got] == ["evt-0020", "evt-0020", "evt-0021", "evt-0022"]
    assert all(math.copysign(1.0, t) == -1.0 and t == 0.0 for _, t in got[:2])  # -0.0, twice
    assert math.isnan(got[2][1]) and got[3][1] == 5e-324
    if as_map:
        assert {r.event_id: r.error_code for r in q.collect()}["evt-0021"] == {"code": "evt-0021"}


def test_malformed_csv_record_is_quarantined(spark, tmp_path, keyring_file):
    # 20 good rows and the broken one: under the default 5% quarantine ceiling
    src = write_csv(tmp_path / "in.csv", [good_row(i) for i in range(20)])
    src.write_text(src.read_text() + "only,three,fields\n", encoding="utf-8")
    record = run(spark, options(tmp_path, src, keyring_file))
    assert record["counts"]["rows_quarantined"] == 1
    assert record["quarantine_reasons"].get("_record:malformed_record") == 1


def test_unknown_column_stops_the_run_and_suggests_a_bucket(spark, tmp_path, keyring_file):
    rows = [good_row(i, operator_ssn=f"123-45-67{i:02d}") for i in range(4)]
    src = write_csv(tmp_path / "in.csv", rows, COLUMNS + ["operator_ssn"])
    with pytest.raises(PiiMaskError) as err:
        run(spark, options(tmp_path, src, keyring_file))
    msg = str(err.value)
    assert "'operator_ssn'" in msg and "suggested bucket: direct" in msg and "Nothing was written" in msg
    assert "123-45-67" not in msg
    assert nothing_published(tmp_path)


def test_missing_required_column_stops_the_run(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", [good_row(0)], [c for c in COLUMNS if c != "gps_lat"])
    with pytest.raises(PiiMaskError, match="lacks rubric column.*gps_lat.*optional: true"):
        run(spark, options(tmp_path, src, keyring_file))
    assert nothing_published(tmp_path)


def test_empty_file_and_header_only(spark, tmp_path, keyring_file):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PiiMaskError, match="empty"):
        run(spark, options(tmp_path, empty, keyring_file))
    assert nothing_published(tmp_path)
    header = write_csv(tmp_path / "header.csv", [])
    record = run(spark, options(tmp_path, header, keyring_file))
    assert record["counts"]["rows_in"] == 0 and record["counts"]["rows_out"] == 0
    assert read_out(spark, tmp_path / "out").columns == COLUMNS


def test_missing_input_is_an_io_error(spark, tmp_path, keyring_file):
    with pytest.raises(PiiMaskError) as err:
        run(spark, options(tmp_path, tmp_path / "nope.csv", keyring_file))
    assert err.value.exit_code == 2 and "does not exist" in str(err.value)


def test_keyring_problems_stop_before_anything_is_written(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", [good_row(0)])
    with pytest.raises(KeyringError, match="does not exist"):
        run(spark, options(tmp_path, src, keyring_file, keyring=f"file:{tmp_path}/missing.json"))
    short = tmp_path / "short.json"
    short.write_text(json.dumps({"version": 1, "direct": {"2026Q2": "c2hvcnQ="}, "token": "c2hvcnQ="}))
    with pytest.raises(KeyringError, match="5 bytes.*shorter than 32"):
        run(spark, options(tmp_path, src, keyring_file, keyring=f"file:{short}"))
    assert nothing_published(tmp_path)


def test_missing_window_key_writes_nothing(spark, tmp_path, keyring_file):
    from piimask.keys.keyring import load

    full = load(f"file:{keyring_file}")
    partial = tmp_path / "partial.json"
    save(Keyring({w: k for w, k in full.direct.items() if w != "2026Q1"}, full.token), f"file:{partial}")
    rows = [good_row(0), good_row(1, event_ts="2026-02-03T08:00:00Z")]
    src = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(KeyringError, match="no key for window.*2026Q1") as err:
        run(spark, options(tmp_path, src, keyring_file, keyring=f"file:{partial}"))
    assert "keys add" in str(err.value) and "shredded" not in str(err.value)
    assert nothing_published(tmp_path)


def test_shredded_window_is_refused_as_shredded_and_writes_nothing(spark, tmp_path, keyring_file, capsys):
    """`keys shred` destroyed the window's key: the job says so, and does not offer `keys add`
    (a new key would mask that window's rows unlike the rows masked before)."""
    from piimask.cli import main

    ring = tmp_path / "ring.json"
    ring.write_bytes(keyring_file.read_bytes())
    ref = f"file:{ring}"
    assert main(["keys", "shred", "--keyring", ref, "--window", "2026Q1", "--yes"]) == 0
    capsys.readouterr()
    rows = [good_row(0), good_row(1, event_ts="2026-02-03T08:00:00Z")]
    src = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(KeyringError) as err:
        run(spark, options(tmp_path, src, keyring_file, keyring=ref))
    message = str(err.value)
    assert "no key for window(s) 2026Q1" in message
    assert "2026Q1 were shredded (crypto-erased)" in message
    assert "can no longer be masked consistently" in message and "keys add" not in message
    assert nothing_published(tmp_path)


def test_failed_run_leaves_previous_output_intact(spark, tmp_path, keyring_file):
    first = write_csv(tmp_path / "a.csv", [good_row(i) for i in range(4)])
    run(spark, options(tmp_path, first, keyring_file))
    before = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    bad = write_csv(tmp_path / "b.csv", [good_row(0)], COLUMNS + ["mystery"])
    with pytest.raises(PiiMaskError):
        run(spark, options(tmp_path, bad, keyring_file))
    after = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.rglob("*staging*"))


def test_rerun_gives_identical_values_and_an_idempotent_vault(spark, tmp_path, keyring_file):
    src = write_csv(tmp_path / "in.csv", [good_row(i) for i in range(8)])
    first = run(spark, options(tmp_path, src, keyring_file, output=str(tmp_path / "out1")))
    second = run(spark, options(tmp_path, src, keyring_file, output=str(tmp_path / "out2")))
    a = sorted(map(tuple, read_out(spark, tmp_path / "out1").collect()))
    b = sorted(map(tuple, read_out(spark, tmp_path / "out2").collect()))
    assert a == b
    assert first["counts"]["vault_entries_added"] == 5 + 3 + 8  # operators + sites + MACs
    assert second["counts"]["vault_entries_added"] == 0
    vault = spark.read.parquet(str(tmp_path / "raw" / "vault"))
    assert vault.count() == vault.select("column", "token", "value").distinct().count() == 16
    # a re-run into the same output replaces it and keeps the audit trail of both runs
    third = run(spark, options(tmp_path, src, keyring_file, output=str(tmp_path / "out1")))
    audits = sorted(p.name for p in (tmp_path / "out1" / "_audit").glob("*.json"))
    assert audits == sorted([first["run_id"] + ".json", third["run_id"] + ".json"])
    assert sorted(map(tuple, read_out(spark, tmp_path / "out1").collect())) == a


@pytest.mark.parametrize(
    "field,target,message",
    [
        ("output", "in.csv", "must not be, contain or sit inside --input"),
        ("vault", "out/vault", "--vault must not be inside --output"),
        ("quarantine", "out", "--quarantine must not be inside --output"),
        ("vault", "raw/quarantine", "separate"),
    ],
)
def test_unsafe_locations_are_refused(spark, tmp_path, keyring_file, field, target, message):
    src = write_csv(tmp_path / "in.csv", [good_row(0)])
    with pytest.raises(PiiMaskError, match=message):
        run(spark, options(tmp_path, src, keyring_file, **{field: str(tmp_path / target)}))


def test_parquet_and_json_inputs_and_csv_output(spark, tmp_path, keyring_file):
    # JSON lines omit null keys, so a column null in every record would be absent: fill error_code
    src = write_csv(tmp_path / "in.csv", [good_row(i, error_code="E001") for i in range(4)])
    df = spark.read.option("header", True).csv(str(src))
    df.write.parquet(str(tmp_path / "in.parquet"))
    df.write.json(str(tmp_path / "in.json"))
    a = run(
        spark,
        options(
            tmp_path,
            tmp_path / "in.parquet",
            keyring_file,
            input_format="parquet",
            output=str(tmp_path / "o1"),
        ),
    )
    b = run(
        spark,
        options(
            tmp_path,
            tmp_path / "in.json",
            keyring_file,
            input_format="json",
            output=str(tmp_path / "o2"),
            output_format="csv",
        ),
    )
    assert a["counts"]["rows_out"] == b["counts"]["rows_out"] == 4
    p = sorted(map(tuple, spark.read.parquet(str(tmp_path / "o1")).select(*COLUMNS).collect()))
    c = spark.read.option("header", True).csv(str(tmp_path / "o2")).select(*COLUMNS)
    assert p == sorted(map(tuple, c.collect()))
    assert os.path.isdir(tmp_path / "o2" / "_audit")
