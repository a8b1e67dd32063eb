"""k-anonymity: the rubric's privacy section, the job's enforcement, verify's check, and a
cross-check of every number against a plain-Python computation over collected rows."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from privacy_oracle import QIS, class_stats_py, enforce_py, floor_to, rubric_text, sorted_rows
from pyspark.sql import functions as F
from rubric_variants import DEFAULT

from piimask.job import RunOptions, run
from piimask.keys.keyring import new_keyring, save
from piimask.verify import verify

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "seed_sample_tool_telemetry.csv"


def job_row(i: int, lat: str, lon: str, address: str, age: str) -> dict:
    return {
        "event_id": f"evt-{i:04d}",
        "event_ts": f"2026-04-22T{10 + i % 10:02d}:{i % 60:02d}:11+00:00",
        "tool_serial": f"DW{8675309000 + i % 4}",
        "tool_model": "DCD800",
        "tool_model_name": "20V MAX Drill",
        "firmware_version": "2.5.0",
        "operator_id": f"OP-{10040 + i % 3}",
        "operator_email": f"op{i % 3}.person@example.com",
        "operator_name": f"Person{i % 3} Example",
        "job_site_id": f"JS-00{i % 2}",
        "job_site_address": address,
        "gps_lat": lat,
        "gps_lon": lon,
        "battery_pct": str(50 + i),
        "torque_nm": "42.3",
        "usage_minutes": str(i),
        "error_code": "",
        "device_mac": f"aa:bb:cc:dd:ee:{i:02x}",
        "operator_phone": "(503) 555-0142",
        "operator_age": age,
        "operator_notes": "checked the chuck",
    }


PORTLAND = "1200 W Burnside St, Portland, OR 97209"
VANCOUVER = "1500 Broadway, Vancouver, WA 98663"
GROUPS = [  # (rows, lat, lon, address, age)
    (6, "45.521234", "-122.681345", PORTLAND, "34"),  # class of 6: kept as is
    (3, "45.531000", "-122.689000", PORTLAND, "36"),  # 3 + 2: too small, together at 0.1 / 10y
    (2, "45.539000", "-122.671000", PORTLAND, "31"),
    (2, "45.638765", "-122.661987", VANCOUVER, "58"),  # 2 even when coarser: suppressed
]


@pytest.fixture(scope="module")
def world(spark, tmp_path_factory):
    base = tmp_path_factory.mktemp("privacy")
    rows, i = [], 0
    for n, lat, lon, address, age in GROUPS:
        for _ in range(n):
            rows.append(job_row(i, lat, lon, address, age))
            i += 1
    raw = base / "raw.csv"
    with raw.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    ref = f"file:{base / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), ref)
    record = run(
        spark,
        RunOptions(str(DEFAULT), str(raw), str(base / "out"), str(base / "q"), str(base / "v"), ref),
    )
    return {
        "base": base,
        "raw": str(raw),
        "rows": rows,
        "record": record,
        "out": str(base / "out"),
        "q": base / "q",
    }


def test_job_enforces_k_and_audits_it(spark, world):
    record = world["record"]
    # by hand: the masked QI values (0.01 grid, "City, ST", 5-year bins), then the reference
    masked = [
        {
            "gps_lat": floor_to(r["gps_lat"], 2, 2),
            "gps_lon": floor_to(r["gps_lon"], 2, 2),
            "job_site_address": r["job_site_address"].split(", ", 1)[1].rsplit(" ", 1)[0],
            "operator_age": str(int(r["operator_age"]) // 5 * 5),
            "battery_pct": r["battery_pct"],
        }
        for r in world["rows"]
    ]
    want, stats = enforce_py(masked, QIS, 5, "generalize")
    out = spark.read.parquet(world["out"])
    got = [{c: r[c] for c in (*QIS, "battery_pct")} for r in out.collect()]
    assert sorted_rows(got) == sorted_rows(want)
    assert (stats["generalized"], stats["suppressed"]) == (5, 2)  # what GROUPS was built for
    c = record["counts"]
    assert (c["rows_in"], c["rows_out"], c["rows_quarantined"], c["rows_suppressed"]) == (13, 11, 0, 2)
    p = record["privacy"]
    py = class_stats_py(want, QIS)
    assert (p["k"], p["k_achieved"], p["classes"]) == (5, py["k"], py["classes"])
    assert (p["rows_generalized"], p["rows_suppressed"], p["small_class_rows_before"]) == (5, 2, 7)
    assert p["before"]["rows"] == 13 and p["after"]["rows"] == 11
    assert p["before"]["prosecutor_risk_max"] == 0.5 and p["after"]["prosecutor_risk_max"] == 0.2


def test_verify_proves_k_and_reconciles_suppression(spark, world):
    report = verify(spark, str(DEFAULT), world["out"], raw=world["raw"], quarantine=str(world["q"]))
    assert report.passed, report.table()
    mine = {r.reason: r for r in report.results if r.reason in ("k_anonymity", "privacy_audit")}
    assert set(mine) == {"k_anonymity", "privacy_audit"}


def _copy_with(world, name, df, audit_edit=None) -> str:
    path = world["base"] / name
    src = Path(world["out"])
    df.write.mode("overwrite").parquet(str(path))
    shutil.copytree(src / "_audit", path / "_audit")
    if audit_edit:
        for f in (path / "_audit").glob("*.json"):
            doc = json.loads(f.read_text())
            audit_edit(doc)
            f.write_text(json.dumps(doc))
        for crc in (path / "_audit").glob(".*.crc"):  # Hadoop's checksum of the old text
            crc.unlink()
    return str(path)


def test_verify_rejects_small_class_and_tampered_audit(spark, world):
    out = spark.read.parquet(world["out"])
    lone = out.limit(1).withColumn("gps_lat", F.lit("10.00"))  # a class of one
    path = _copy_with(world, "small_class", out.unionByName(lone))
    report = verify(spark, str(DEFAULT), path)
    failed = {r.reason: r for r in report.failed}
    assert "k_anonymity" in failed and failed["k_anonymity"].count == 1, report.table()
    assert "10.00" not in report.to_json()

    def lie(doc):
        doc["privacy"]["rows_suppressed"] = 0

    path = _copy_with(world, "audit_lie", out, audit_edit=lie)
    report = verify(spark, str(DEFAULT), path)
    assert {r.reason for r in report.failed} == {"privacy_audit"}, report.table()


def _run_reference(spark, tmp_path, rubric) -> tuple[dict, dict]:
    """The job on the real 17-column sample (no operator_age): the privacy record and counts."""
    ref = f"file:{tmp_path / 'keyring.json'}"
    save(new_keyring("quarterly", back=12, ahead=4), ref)
    record = run(
        spark,
        RunOptions(
            str(rubric), str(REFERENCE), str(tmp_path / "o"), str(tmp_path / "q"), str(tmp_path / "v"), ref
        ),
    )
    assert record["privacy"]["absent_quasi_identifiers"] == ["operator_age"]
    return record["privacy"], record["counts"]


def test_reference_sample_with_the_default_rubric(spark, tmp_path):
    """The real 17-column sample lacks operator_age: the class is formed by the other three."""
    p, c = _run_reference(spark, tmp_path, DEFAULT)
    assert c["rows_in"] == c["rows_out"] + c["rows_quarantined"] + c["rows_suppressed"] == 20
    assert c["rows_suppressed"] == p["rows_suppressed"]
    assert c["rows_out"] == 0 or p["k_achieved"] >= 5


def test_job_with_every_quasi_identifier_absent_forms_one_class(spark, tmp_path):
    """The reference sample lacks operator_age: with it the only quasi-identifier, every row is
    in one class of 20 rows, and no row is lost."""
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(rubric_text(k=5, quasi_identifiers=["operator_age"]), encoding="utf-8")
    p, c = _run_reference(spark, tmp_path, rubric)
    assert c["rows_in"] == c["rows_out"] + c["rows_quarantined"] == 20
    assert c["rows_suppressed"] == 0 and p["classes"] == 1 and p["k_achieved"] == c["rows_out"]


# ---------------------------------------------------------------- the risk report


class _Metrics(HTMLParser):
    """data-metric cells and the chart's bars of the report page."""

    def __init__(self):
        super().__init__()
        self.metrics, self.bars, self.tags, self._metric = {}, [], Counter(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        self._metric = a.get("data-metric")
        if tag == "rect" and "data-side" in a:
            self.bars.append((a["data-side"], a["data-sizes"], int(a["data-classes"])))

    def handle_data(self, data):
        if self._metric and data.strip():
            self.metrics[self._metric] = data.strip()
            self._metric = None


def test_report_page_shows_the_audit_numbers_and_no_value(spark, world, tmp_path):
    from piimask.tools import risk_report as report

    page = tmp_path / "risk.html"
    args = SimpleNamespace(
        output=world["out"], verify_json=None, html=str(page), rubric=str(DEFAULT), raw=None, quarantine=None
    )
    assert report.main(args) == 0
    text = page.read_text(encoding="utf-8")
    parsed = _Metrics()
    parsed.feed(text)
    m, p, c = parsed.metrics, world["record"]["privacy"], world["record"]["counts"]
    assert m["verdict"] == "PASS"
    for key in ("rows_in", "rows_out", "rows_suppressed", "rows_quarantined"):
        assert m[key] == str(c[key])
    assert (m["k"], m["k_achieved"], m["classes"]) == (str(p["k"]), str(p["k_achieved"]), str(p["classes"]))
    assert (m["rows_generalized"], m["privacy_rows_suppressed"]) == ("5", "2")
    assert m["before_small_share"] == f"{100 * 7 / 13:.2f}%" and m["after_small_share"] == "0.00%"
    assert m["before_risk_max"] == "0.5000" and m["after_risk_max"] == "0.2000"
    assert m["after_risk_mean"] == f"{p['classes'] / 11:.4f}"
    for side in ("before", "after"):
        bars = {sizes: n for s, sizes, n in parsed.bars if s == side}
        assert bars == {h["sizes"]: h["classes"] for h in p[side]["class_size_histogram"]}
    assert parsed.tags["svg"] == 1 and parsed.tags["script"] == 0 and parsed.tags["link"] == 0
    assert "http://" not in text and "https://" not in text and "src=" not in text
    # no raw value, and no masked value (digests, tokens, cells, "City, ST") on the page
    values = {v for r in world["rows"] for v in r.values()}
    values |= {str(v) for r in spark.read.parquet(world["out"]).collect() for v in r if v is not None}
    shown = sorted(v for v in values if len(v) >= 5 and not v.isdigit() and v in text)
    assert shown == []
