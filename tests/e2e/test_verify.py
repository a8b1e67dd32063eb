"""verify.py: a correct output passes; each deliberately broken output fails with its reason.

One correct output is built per module by running the job on a small synthetic CSV (all 21
columns, events in two quarters, notes naming the operator). Each broken output is the correct
one with ONE defect, written to its own folder with the correct output's _audit copied in.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import pytest
from pyspark.sql import functions as F
from rubric_variants import without_keyed, without_privacy

from piimask.frames.annotate import REASONS, annotate
from piimask.frames.keys import WINDOW, keys_frame, row_context
from piimask.frames.read import check_columns, read_input
from piimask.job import RunOptions
from piimask.job import run as run_job
from piimask.job.mask import mask
from piimask.keys.keyring import Keyring, new_keyring, save
from piimask.rubric import load_rubric
from piimask.tools.generate import COLUMNS as SCHEMA
from piimask.treatments import treat
from piimask.verify import REASON_CODES, VerifyError, is_digest, looks_like_card, verify

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = without_privacy()  # 40 rows: k-anonymity is tested in test_privacy.py

COLUMNS = list(SCHEMA)
OPERATORS = [  # id, name, email, phone, age
    ("OP-10042", "Alex Nguyen", "alex.nguyen@example.com", "(503) 555-0142", "34"),
    ("OP-10057", "Maria Lopez", "maria.lopez@example.com", "503-555-0187", "41"),
    ("OP-10063", "Sam Whitaker", "sam.whitaker@example.org", "+1 971 555 0123", "27"),
    ("OP-10071", "Priya Raman", "priya.raman@example.net", "(360) 555-0199", "58"),
    ("OP-10088", "Jordan Blake", "jordan.blake@example.com", "971.555.0110", "23"),
]
SITES = [
    ("JS-001", "1200 W Burnside St, Portland, OR 97209", 45.521234, -122.681345),
    ("JS-002", "400 SW 6th Ave, Portland, OR 97204", 45.519876, -122.677123),
    ("JS-003", "1500 Broadway, Vancouver, WA 98663", 45.638765, -122.661987),
]
TOOLS = [
    ("DW8675309001", "DCD800", "20V MAX Drill", "2.5.0", "a4:5e:60:11:22:33"),
    ("DW8675309002", "DCF850", "Impact Driver", "1.9.2", "a4:5e:60:11:22:44"),
    ("MK4455667788", "DCS570", "Circular Saw", "3.0.1", "a4-5e-60-11-22-55"),
]
NOTES = [
    "Called {name} at {phone} about the chuck.",
    "{name} reported a stall; follow up at {email}.",
    "Battery swap done.",
    "Tool {serial} left at site; {name} to collect.",
    "",
]


def _rows() -> list[dict]:
    rows = []
    for i in range(40):
        op_id, name, email, phone, age = OPERATORS[i % len(OPERATORS)]
        site_id, address, lat, lon = SITES[i % len(SITES)]
        serial, model, model_name, fw, mac = TOOLS[i % len(TOOLS)]
        month = 2 if i < 20 else 5  # 2026Q1 and 2026Q2
        ts = f"2026-{month:02d}-{10 + i % 15:02d}T{(i * 5) % 24:02d}:{(i * 7) % 60:02d}:{i % 60:02d}"
        ts += "Z" if i % 4 == 0 else "+00:00"
        rows.append(
            {
                "event_id": f"a3f8d1c2-{1000 + i:04d}-4abc-9def-0123456789{i:02d}",
                "event_ts": ts,
                "tool_serial": serial,
                "tool_model": model,
                "tool_model_name": model_name,
                "firmware_version": fw,
                "operator_id": op_id,
                "operator_email": email,
                "operator_name": name,
                "job_site_id": site_id,
                "job_site_address": address,
                "gps_lat": f"{lat + i * 0.000731:.6f}",
                "gps_lon": f"{lon - i * 0.000917:.6f}",
                "battery_pct": str(100 - i),
                "torque_nm": f"{30 + i * 0.7:.1f}",
                "usage_minutes": str(5 + i * 3),
                "error_code": "E12" if i % 7 == 0 else "",
                "device_mac": mac,
                "operator_phone": phone,
                "operator_age": age,
                "operator_notes": NOTES[i % len(NOTES)].format(
                    name=name, phone=phone, email=email, serial=serial
                ),
            }
        )
    rows[39]["event_ts"] = "2026-03-31T23:59:59Z"  # last second of a quarter: still 2026Q1
    # two rows the job must quarantine
    bad_lat = dict(rows[0], event_id="bad-lat-0001", gps_lat="123.4")
    bad_ts = dict(rows[1], event_id="bad-ts-0002", event_ts="yesterday")
    return rows + [bad_lat, bad_ts]


@pytest.fixture(scope="module")
def world(spark, tmp_path_factory):
    base = tmp_path_factory.mktemp("verify")
    raw = base / "raw.csv"
    with raw.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(_rows())
    ring = new_keyring("quarterly", now=datetime(2026, 5, 1, tzinfo=UTC))
    ref = f"file:{base / 'keyring.json'}"
    save(ring, ref)
    record = run_job(
        spark,
        RunOptions(
            rubric=RUBRIC,
            input=str(raw),
            output=str(base / "good"),
            quarantine=str(base / "q"),
            vault=str(base / "vault"),
            keyring=ref,
        ),
    )
    assert record["counts"]["rows_quarantined"] == 2
    good = spark.read.parquet(str(base / "good"))
    return {
        "base": base,
        "raw": str(raw),
        "ref": ref,
        "ring": ring,
        "good": good,
        "good_path": str(base / "good"),
        "q": str(base / "q"),
        "record": record,
    }


def _run(spark, world, output, *, raw=True, keyring=False, **kw):
    return verify(
        spark,
        RUBRIC,
        output,
        raw=world["raw"] if raw else None,
        quarantine=world["q"] if raw else None,
        keyring=world["ref"] if keyring else None,
        **kw,
    )


def _write(world, name, df) -> str:
    path = world["base"] / name
    df.write.mode("overwrite").parquet(str(path))
    shutil.copytree(Path(world["good_path"]) / "_audit", path / "_audit", dirs_exist_ok=True)
    return str(path)


def _remask(spark, world, overrides=None, extra=None, keyring=None):
    """The job's own masking of the raw input with some columns treated otherwise."""
    rubric = load_rubric(RUBRIC)
    df = read_input(spark, world["raw"], "csv")
    cols = check_columns(df, rubric)
    keyed = (
        annotate(df, rubric)
        .where(F.size(REASONS) == 0)
        .join(F.broadcast(keys_frame(spark, keyring or world["ring"])), on=WINDOW)
    )
    ctx = row_context(keyed, rubric)
    exprs = []
    for name in cols:
        fn = (overrides or {}).get(name)
        exprs.append(fn(F.col(name)).alias(name) if fn else treat(rubric.column(name), ctx))
    for name, (src, fn) in (extra or {}).items():
        exprs.append(fn(F.col(src)).alias(name))
    return keyed.select(*exprs)


def _swapped_keys(ring: Keyring) -> Keyring:
    """Each window's key replaced by the previous window's: digests from the wrong window."""
    windows = sorted(ring.direct)
    direct = {w: ring.direct[windows[i - 1]] for i, w in enumerate(windows)}
    return Keyring(MappingProxyType(direct), ring.token, ring.ref)


def _local_hour(col):
    local = F.from_utc_timestamp(F.to_timestamp(col), "Asia/Kolkata")
    back = F.to_utc_timestamp(F.date_trunc("hour", local), "Asia/Kolkata")
    return F.date_format(back, "yyyy-MM-dd'T'HH:mm:ssXXX")


def _collide(world, column):
    a, b = [r[0] for r in world["good"].select(column).distinct().orderBy(column).limit(2).collect()]
    return world["good"].withColumn(column, F.when(F.col(column) == b, F.lit(a)).otherwise(F.col(column)))


# case -> (build(spark, world) -> DataFrame, expected reason, needs raw, needs keyring)
SHA = {
    c: (lambda col: F.sha2(col.cast("string"), 256))
    for c in ("event_id", "tool_serial", "operator_email", "operator_name", "operator_phone")
}
CASES = {
    "unsalted_sha256": (lambda s, w: _remask(s, w, overrides=SHA), "unkeyed_hash", True, False),
    "local_time_hour": (
        lambda s, w: w["good"].withColumn("event_ts", _local_hour(F.col("event_ts"))),
        "timestamp_not_utc_hour",
        False,
        False,
    ),
    "raw_gps": (
        lambda s, w: _remask(s, w, overrides={"gps_lat": lambda c: c, "gps_lon": lambda c: c}),
        "gps_precision",
        False,
        False,
    ),
    "gps_3_decimals": (
        lambda s, w: _remask(
            s,
            w,
            overrides={
                "gps_lat": lambda c: F.format_number(F.floor(c.cast("double") * 1000) / 1000, 3),
            },
        ),
        "gps_precision",
        False,
        False,
    ),
    "raw_email_in_notes": (
        lambda s, w: w["good"].withColumn(
            "operator_notes", F.concat_ws(" cc ", "operator_notes", F.lit(OPERATORS[1][2]))
        ),
        "free_text_pii",
        True,
        False,
    ),
    "padded_raw_name": (  # longer than any raw value until trimmed
        lambda s, w: w["good"].withColumn("tool_model_name", F.lit(" " * 60 + OPERATORS[0][1] + " " * 60)),
        "raw_value_leak",
        True,
        False,
    ),
    "extra_unmasked_column": (
        lambda s, w: _remask(s, w, extra={"contact_email": ("operator_email", lambda c: c)}),
        "unexpected_column",
        True,
        False,
    ),
    "dropped_column": (lambda s, w: w["good"].drop("tool_serial"), "missing_column", False, False),
    "token_collision": (lambda s, w: _collide(w, "operator_id"), "token_collision", True, False),
    "behavioral_emails": (
        lambda s, w: w["good"].withColumn(
            "error_code", F.concat(F.lit("tech"), F.col("battery_pct"), F.lit("@example.com"))
        ),
        "behavioral_pii",
        False,
        False,
    ),
    "row_dropped": (lambda s, w: w["good"].orderBy("event_id").limit(39), "rows_unreconciled", True, False),
    "wrong_window_key": (
        lambda s, w: mask(
            annotate(read_input(s, w["raw"], "csv"), load_rubric(RUBRIC))
            .where(F.size(REASONS) == 0)
            .join(F.broadcast(keys_frame(s, _swapped_keys(w["ring"]))), on=WINDOW),
            load_rubric(RUBRIC),
            COLUMNS,
        ),
        "digest_mismatch",
        True,
        True,
    ),
}


def test_correct_output_passes_every_check(spark, world):
    report = _run(spark, world, world["good_path"], keyring=True)
    assert report.failed == [], report.table()
    assert report.exit_code == 0
    reasons = {r.reason for r in report.results}
    privacy = {"k_anonymity", "l_diversity", "privacy_audit"}  # tests/test_privacy.py
    assert set(REASON_CODES) - reasons <= {"band_not_binned", *privacy}  # no band column in the rubric
    alone = _run(spark, world, world["good_path"], raw=False)
    assert alone.passed, alone.table()


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_output_is_rejected(spark, world, case):
    build, reason, needs_raw, needs_keyring = CASES[case]
    path = _write(world, case, build(spark, world))
    report = _run(spark, world, path, raw=needs_raw, keyring=needs_keyring)
    failed = {r.reason for r in report.failed}
    assert reason in failed, report.table()
    assert report.exit_code == 1


def test_leak_scan_finds_raw_email_in_free_text_every_way(spark, world):
    path = _write(world, "leak", CASES["raw_email_in_notes"][0](spark, world))
    # broadcast substring scan; word n-gram join with broadcast look-ups; with shuffled ones;
    # with the texts' word runs broadcast and the raw values streamed
    ways = [
        ("substring", 10**12, 10**6, None),
        ("equality join.", 0, 10**6, None),
        ("equality join.", 0, 0, None),
        ("equality join (text word runs broadcast)", 0, 0, 10**6),
    ]
    for mode, budget, broadcast_rows, text_rows in ways:
        report = _run(
            spark,
            world,
            path,
            substring_budget=budget,
            broadcast_rows=broadcast_rows,
            text_broadcast_rows=text_rows,
        )
        leaks = [r for r in report.failed if r.reason == "raw_value_leak"]
        assert [r.column for r in leaks] == ["operator_notes"], report.table()
        assert leaks[0].count == 40
        assert mode in leaks[0].message


@pytest.mark.parametrize("case", ["unsalted_sha256", "wrong_window_key", "extra_unmasked_column"])
def test_join_checks_without_broadcast_reject_the_same_defects(spark, world, case):
    """Above MAX_BROADCAST_ROWS the join checks shuffle both sides; they must find the same."""
    build, reason, _, needs_keyring = CASES[case]
    path = _write(world, f"{case}_shuffled", build(spark, world))
    shuffled = _run(spark, world, path, keyring=needs_keyring, broadcast_rows=0)
    broadcast = _run(spark, world, path, keyring=needs_keyring)
    assert reason in {r.reason for r in shuffled.failed}, shuffled.table()
    assert shuffled.to_dict()["by_reason"] == broadcast.to_dict()["by_reason"]


def test_unsalted_digests_are_found_the_same_with_the_keyring(spark, world):
    """With the keyring, only the digests that are no HMAC of their window are candidates for
    unkeyed_hash: the same rows must be found as by joining every digest (either join path)."""
    path = _write(world, "unsalted_keyed", CASES["unsalted_sha256"][0](spark, world))

    def unkeyed(report):
        return [(r.column, r.count) for r in report.results if r.reason == "unkeyed_hash"]

    plain = unkeyed(_run(spark, world, path))
    assert sum(n for _, n in plain) > 0
    for broadcast_rows in (10**6, 0):
        report = _run(spark, world, path, keyring=True, broadcast_rows=broadcast_rows)
        assert unkeyed(report) == plain, report.table()
        assert "digest_mismatch" in {r.reason for r in report.failed}


def test_map_column_is_checked_row_by_row(spark, world):
    """Spark cannot group by a map: a behavioral map column is checked on every row instead."""
    bad = world["good"].withColumn(
        "error_code",
        F.create_map(F.lit("code"), F.concat(F.lit("tech"), F.col("battery_pct"), F.lit("@example.com"))),
    )
    report = _run(spark, world, _write(world, "map_emails", bad), raw=False)
    found = [(r.column, r.count) for r in report.failed if r.reason == "behavioral_pii"]
    assert found == [("error_code", world["good"].count())], report.table()


def test_card_numbers_need_luhn(spark):
    df = spark.createDataFrame(
        [
            ("4111 1111 1111 1111", True),
            ("4111111111111112", False),
            ("12345", False),
            ("card 5500-0000-0000-0004 ok", True),
            (None, None),
        ],
        "v string, expected boolean",
    )
    got = df.select(looks_like_card(F.col("v")).alias("got"), "expected").collect()
    assert [r.got for r in got] == [r.expected for r in got]


def test_digest_check_wants_exactly_64_lowercase_hex(spark):
    good = hashlib.sha256(b"x").hexdigest()
    df = spark.createDataFrame(
        [
            (good, True),
            (good.upper(), False),
            (good[:63], False),
            (good + "0", False),
            (good[:63] + "g", False),
            (good + "\n", False),  # a regex's $ lets this through
            (good[:63] + "\u00e9", False),
            (" " + good[1:], False),
            (None, False),
        ],
        "v string, expected boolean",
    )
    got = df.select(is_digest(F.col("v")).alias("got"), "expected").collect()
    assert [r.got for r in got] == [r.expected for r in got]


def _values(world) -> set[str]:
    """Every raw value and every masked value of 6+ characters."""
    with open(world["raw"], encoding="utf-8") as fh:
        found = {v for row in csv.DictReader(fh) for v in row.values()}
    for row in world["good"].collect():
        found.update(str(v) for v in row if v is not None)
    return {v for v in found if len(v) >= 6}


def _cli():
    spec = importlib.util.spec_from_file_location("verify_cli", ROOT / "verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_and_logs_hold_no_value(spark, world, capfd, tmp_path):
    path = _write(world, "leak_cli", CASES["raw_email_in_notes"][0](spark, world))
    report_path = tmp_path / "report.json"
    code = _cli().main(
        [
            "--rubric",
            RUBRIC,
            "--output",
            path,
            "--raw",
            world["raw"],
            "--quarantine",
            world["q"],
            "--keyring",
            world["ref"],
            "--json",
            str(report_path),
        ]
    )
    out, err = capfd.readouterr()
    assert code == 1
    doc = json.loads(report_path.read_text())
    assert doc["verdict"] == "fail" and "free_text_pii" in doc["failed_reasons"]
    assert "[free_text_pii]" in out and "FAIL" in out
    text = out + err + report_path.read_text()
    leaked = sorted(v for v in _values(world) if v in text)
    assert leaked == []


def test_output_without_keyed_columns_is_verified_not_waited_on(spark, world):
    """No HMAC or token column in the output: the raw scan still runs (it once waited forever for
    an observation no action filled). Run in a thread, so that a hang fails the test."""
    rubric = without_keyed()
    base = world["base"] / "unkeyed-rubric"
    run_job(
        spark,
        RunOptions(
            rubric=rubric,
            input=world["raw"],
            output=str(base / "out"),
            quarantine=str(base / "q"),
            vault=str(base / "vault"),
            keyring=world["ref"],
        ),
    )
    done: dict = {}

    def check():
        done["report"] = verify(
            spark, rubric, str(base / "out"), raw=world["raw"], quarantine=str(base / "q")
        )

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(timeout=300)
    assert "report" in done, "verify --raw did not return within 300 s"
    report = done["report"]
    assert report.passed, report.table()
    checked = {r.reason for r in report.results}
    assert {"rows_unreconciled", "raw_value_leak", "behavioral_changed", "null_introduced"} <= checked


def test_cannot_run_exits_2_without_traceback(tmp_path, capfd):
    cli = _cli()
    assert cli.main(["--rubric", RUBRIC, "--output", str(tmp_path / "nope")]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: [")
    assert cli.main(["--rubric", str(bad), "--output", str(tmp_path)]) == 2
    out, err = capfd.readouterr()
    assert "does not exist" in err and "not valid YAML" in err and "Traceback" not in err


def test_pii_mask_verify_and_verify_py_agree(spark, world, tmp_path, capfd):
    """`pii-mask verify` is the same command as the root verify.py: same exit code, same report."""
    from piimask.cli import main as pii_mask

    path = _write(world, "leak_two_commands", CASES["raw_email_in_notes"][0](spark, world))
    flags = ["--rubric", RUBRIC, "--output", path, "--raw", world["raw"], "--quarantine", world["q"]]
    flags += ["--keyring", world["ref"]]
    script_json, command_json = tmp_path / "script.json", tmp_path / "command.json"
    script_code = _cli().main([*flags, "--json", str(script_json)])
    script_out = capfd.readouterr().out
    command_code = pii_mask(["verify", *flags, "--json", str(command_json)])
    command_out = capfd.readouterr().out
    assert script_code == command_code == 1
    assert json.loads(script_json.read_text()) == json.loads(command_json.read_text())
    assert script_out == command_out


def test_verify_library_refuses_keyring_without_raw(spark, world):
    with pytest.raises(VerifyError):
        verify(spark, RUBRIC, world["good_path"], keyring=world["ref"])


def test_cli_subprocess_passes_on_correct_output(world, tmp_path):
    report_path = tmp_path / "report.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "verify.py"),
            "--rubric",
            RUBRIC,
            "--output",
            world["good_path"],
            "--raw",
            world["raw"],
            "--quarantine",
            world["q"],
            "--keyring",
            world["ref"],
            "--json",
            str(report_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "PASS" in proc.stdout
    assert json.loads(report_path.read_text())["verdict"] == "pass"
