"""k-anonymity: the rubric's privacy section, the job's enforcement, verify's check, and a
cross-check of every number against a plain-Python computation over collected rows."""

from __future__ import annotations

import csv
import json
import random
import shutil
from collections import Counter
from decimal import ROUND_FLOOR, Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pyspark.sql import functions as F
from rubric_variants import DEFAULT

from piimask.job import RunOptions, privacy, run
from piimask.keys.keyring import new_keyring, save
from piimask.rubric.load import RubricError, parse_rubric
from piimask.rubric.markdown import privacy_section
from piimask.verify import row_checks, verify

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "seed_sample_tool_telemetry.csv"
QIS = ["gps_lat", "gps_lon", "job_site_address", "operator_age"]


def rubric_text(**privacy_section) -> str:
    doc = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    doc["privacy"] = privacy_section
    return yaml.safe_dump(doc, sort_keys=False)


# ---------------------------------------------------------------- the rubric section


def test_default_rubric_declares_k_5_with_generalize():
    p = parse_rubric(DEFAULT.read_text(encoding="utf-8")).privacy
    assert p is not None and p.k >= 5 and p.action == "generalize"
    assert set(p.quasi_identifiers) == set(QIS)


@pytest.mark.parametrize(
    "section, needle",
    [
        ({"k": 1, "quasi_identifiers": QIS}, "'k' must be an integer from 2 to 1000; found 1"),
        ({"k": True, "quasi_identifiers": QIS}, "'k' must be an integer from 2 to 1000; found True"),
        (
            {"k": 5, "quasi_identifiers": ["gps_lat", "zip"]},
            "must be a column listed under columns; found 'zip'",
        ),
        ({"k": 5, "quasi_identifiers": []}, "'quasi_identifiers' must be a non-empty list"),
        ({"k": 5, "quasi_identifiers": ["gps_lat", "gps_lat"]}, "unique column names"),
        ({"k": 5, "quasi_identifiers": ["operator_email"]}, "found 'hmac'"),
        ({"k": 5, "quasi_identifiers": ["operator_notes"]}, "found 'redact'"),
        (
            {"k": 5, "quasi_identifiers": QIS, "action": "drop"},
            "one of suppress, generalize, report; found 'drop'",
        ),
        ({"k": 5, "quasi_identifiers": QIS, "l": 2}, "'l' must be given only with 'sensitive'"),
        ({"k": 5, "quasi_identifiers": QIS, "sensitive": "gps_lat", "l": 2}, "not a quasi-identifier"),
        (
            {"k": 5, "quasi_identifiers": QIS, "sensitive": "error_code"},
            "'l' must be an integer from 2 to k (5)",
        ),
        ({"k": 5, "quasi_identifiers": QIS, "sensitive": "error_code", "l": 6}, "found 6"),
        ({"k": 5, "quasi_identifiers": QIS, "kk": 1}, "key 'kk' must be one of k, quasi_identifiers"),
        ({"k": 5, "quasi_identifiers": QIS, "left_out": ["event_ts"]}, "'left_out' must be a mapping"),
        ({"k": 5, "quasi_identifiers": QIS, "left_out": {"when": "x"}}, "found 'when'"),
        ({"k": 5, "quasi_identifiers": QIS, "left_out": {"gps_lat": "x"}}, "not already in the combination"),
        ({"k": 5, "quasi_identifiers": QIS, "left_out": {"event_ts": " "}}, "a reason (non-empty text)"),
    ],
)
def test_bad_privacy_sections_are_refused_before_spark(section, needle):
    with pytest.raises(RubricError) as err:
        parse_rubric(rubric_text(**section))
    assert "rubric privacy" in str(err.value) or "rubric top level" in str(err.value)
    assert needle in str(err.value)


def test_left_out_columns_and_their_reasons_reach_rubric_md():
    p = parse_rubric(DEFAULT.read_text(encoding="utf-8")).privacy
    assert [name for name, _ in p.left_out] == ["event_ts"]
    rubric = parse_rubric(
        rubric_text(k=5, quasi_identifiers=QIS, left_out={"event_ts": "rows  unique\nby hour."})
    )
    section = privacy_section(rubric)
    assert "Left out of the combination on purpose (`event_ts`: rows unique by hour)." in section
    assert "Left out" not in privacy_section(parse_rubric(rubric_text(k=5, quasi_identifiers=QIS)))


def test_dropped_column_cannot_be_a_quasi_identifier():
    doc = yaml.safe_load(rubric_text(k=5, quasi_identifiers=["tool_model"]))
    next(c for c in doc["columns"] if c["name"] == "tool_model")["treatment"] = "drop"
    with pytest.raises(RubricError, match="a column the output keeps"):
        parse_rubric(yaml.safe_dump(doc))


# ---------------------------------------------------------------- a plain-Python reference


def _floor(value: str, places: int, shown: int) -> str:
    """Floor to ``places`` decimals, written with ``shown`` decimals: ("45.539", 1, 2) -> "45.50"."""
    step = Decimal(1).scaleb(-places)
    snapped = (Decimal(value) / step).to_integral_value(ROUND_FLOOR) * step
    return str(snapped.quantize(Decimal(1).scaleb(-shown)))


def coarse_py(row: dict) -> dict:
    """The next coarser level, by hand: 0.1 degree grid (shown with 2 decimals), 10-year bins."""
    out = dict(row)
    out["gps_lat"] = _floor(row["gps_lat"], 1, 2)
    out["gps_lon"] = _floor(row["gps_lon"], 1, 2)
    out["operator_age"] = str(int(row["operator_age"]) // 10 * 10)
    return out


def enforce_py(rows: list[dict], qis: list[str], k: int, action: str) -> tuple[list[dict], dict]:
    key = lambda r: tuple(r[q] for q in qis)  # noqa: E731
    sizes = Counter(key(r) for r in rows)
    small = [r for r in rows if sizes[key(r)] < k]
    kept = [r for r in rows if sizes[key(r)] >= k]
    stats = {"small_before": len(small), "generalized": 0, "suppressed": 0}
    if action == "report":
        kept = rows
    elif action == "suppress":
        stats["suppressed"] = len(small)
    else:
        retried = [coarse_py(r) for r in small]
        coarse_sizes = Counter(key(r) for r in retried)
        ok = [r for r in retried if coarse_sizes[key(r)] >= k]
        stats["generalized"], stats["suppressed"] = len(ok), len(retried) - len(ok)
        kept = kept + ok
    return kept, stats


def class_stats_py(rows: list[dict], qis: list[str]) -> dict:
    sizes = Counter(tuple(r[q] for q in qis) for r in rows)
    n = len(rows)
    return {
        "k": min(sizes.values()),
        "classes": len(sizes),
        "unique_fraction": sum(1 for r in rows if sizes[tuple(r[q] for q in qis)] == 1) / n,
        "risk_max": 1 / min(sizes.values()),
        "risk_mean": sum(1 / sizes[tuple(r[q] for q in qis)] for r in rows) / n,
        "histogram": Counter(sizes.values()),
    }


def masked_rows(seed: int, n: int) -> list[dict]:
    """Rows shaped like the job's output for CSV input (strings), with clustered QI values."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lat = rng.choice(["45.52", "45.53", "45.58", "45.61", "45.71"])
        rows.append(
            {
                "event_ts": f"2026-04-{10 + i % 3:02d}T{rng.randrange(24):02d}:00:00+00:00",
                "gps_lat": lat,
                "gps_lon": rng.choice(["-122.68", "-122.67", "-122.61"]),
                "job_site_address": "Vancouver, WA" if lat == "45.71" else "Portland, OR",
                "operator_age": rng.choice(["25", "30", "35", "40", "45", "60"]),
                "error_code": rng.choice(["E001", "E014", None]),
                "battery_pct": str(i),
            }
        )
    return rows


def frame(spark, rows):
    cols = list(rows[0])
    return spark.createDataFrame(
        [tuple(r[c] for c in cols) for r in rows], ", ".join(f"{c} string" for c in cols)
    )


def as_dicts(df) -> list[dict]:
    return [r.asDict() for r in df.collect()]


def _sorted(rows):
    return sorted(rows, key=lambda r: r["battery_pct"])


@pytest.mark.parametrize("action", ["report", "suppress", "generalize"])
def test_spark_matches_plain_python(spark, action):
    rows = masked_rows(seed=3, n=160)
    rubric = parse_rubric(rubric_text(k=3, quasi_identifiers=QIS, action=action))
    e = privacy.enforce(frame(spark, rows), rubric)
    got = as_dicts(e.frame)  # the action that fills the observations
    record = e.record()

    want, stats = enforce_py(rows, QIS, 3, action)
    assert _sorted(got) == _sorted(want)
    before, after = class_stats_py(rows, QIS), class_stats_py(want, QIS)
    assert stats["small_before"] > 0 and (action != "generalize" or stats["generalized"] > 0)
    assert record["small_class_rows_before"] == stats["small_before"]
    assert record["rows_suppressed"] == stats["suppressed"]
    assert record["rows_generalized"] == stats["generalized"]
    for side, py in (("before", before), ("after", after)):
        r = record[side]
        assert r["smallest_class"] == py["k"]
        assert r["classes"] == py["classes"]
        assert r["rows_in_unique_classes"] / r["rows"] == pytest.approx(py["unique_fraction"])
        assert r["prosecutor_risk_max"] == pytest.approx(py["risk_max"], abs=1e-6)
        assert r["prosecutor_risk_mean"] == pytest.approx(py["risk_mean"], abs=1e-6)
        assert sum(b["classes"] for b in r["class_size_histogram"]) == py["classes"]
        assert r["class_size_histogram"][0]["classes"] == py["histogram"][1]  # the "1" bar
    assert record["k_achieved"] == after["k"] and record["classes"] == after["classes"]
    if action != "report":
        assert after["k"] >= 3
    # Spark's own aggregation (verify's method) agrees with both
    spark_min = e.frame.groupBy(*QIS).count().agg(F.min("count"), F.count("*")).first()
    assert tuple(spark_min) == (after["k"], after["classes"])


def test_l_diversity_suppresses_classes_with_one_sensitive_value(spark):
    base = {"gps_lat": "45.52", "gps_lon": "-122.68", "job_site_address": "Portland, OR", "event_ts": "x"}
    rows = [dict(base, operator_age="30", error_code="E001", battery_pct=f"a{i}") for i in range(5)]
    rows += [
        dict(base, operator_age="40", error_code=["E001", "E014"][i % 2], battery_pct=f"b{i}")
        for i in range(5)
    ]
    rubric = parse_rubric(
        rubric_text(k=5, quasi_identifiers=QIS, sensitive="error_code", l=2, action="suppress")
    )
    e = privacy.enforce(frame(spark, rows), rubric)
    got = as_dicts(e.frame)
    assert sorted(r["battery_pct"] for r in got) == [f"b{i}" for i in range(5)]
    rec = e.record()
    assert (rec["rows_suppressed"], rec["l_achieved"], rec["k_achieved"]) == (5, 2, 5)


def test_coarser_values_keep_verify_invariants(spark, rubric):
    df = spark.createDataFrame(
        [
            ("45.52", "-122.68", "35", "2026-04-22T10:00:00+00:00"),
            ("-0.01", "0.09", "0", "2026-01-01T23:00:00Z"),
        ],
        "gps_lat string, gps_lon string, operator_age string, event_ts string",
    )
    dtypes = dict(df.dtypes)
    out = df.select(
        *[privacy.coarser(F.col(c), rubric.column(c), df.schema[c].dataType).alias(c) for c in dtypes]
    ).collect()
    assert [tuple(r) for r in out] == [
        ("45.50", "-122.70", "30", "2026-04-22T00:00:00+00:00"),
        ("-0.10", "0.00", "0", "2026-01-01T00:00:00+00:00"),
    ]
    coarse = df.select(
        *[privacy.coarser(F.col(c), rubric.column(c), df.schema[c].dataType).alias(c) for c in dtypes]
    )
    for chk in row_checks(rubric, set(dtypes)):
        bad = coarse.where(chk.violated(F.col(chk.column), coarse.schema[chk.column].dataType)).count()
        assert bad == 0, (chk.check, chk.column)
    ts = spark.createDataFrame([("2026-04-22 10:00:00",)], "t string").select(
        F.to_timestamp("t").alias("event_ts")
    )
    day = privacy.coarser(F.col("event_ts"), rubric.column("event_ts"), ts.schema[0].dataType)
    seconds = ts.select(F.unix_seconds(F.col("event_ts")).alias("s"), F.unix_seconds(day).alias("d")).first()
    assert seconds.d == seconds.s - seconds.s % 86400  # midnight UTC, whatever the session zone


def test_enforcement_never_shuffles_the_rows(spark):
    """Only the class table (one row per class) is shuffled; the rows meet it in a broadcast
    join, so no Exchange carries a non-quasi-identifier column such as battery_pct."""
    rows = masked_rows(seed=5, n=20)
    for action in ("report", "suppress", "generalize"):
        rubric = parse_rubric(rubric_text(k=3, quasi_identifiers=QIS, action=action))
        plan = (
            privacy.enforce(frame(spark, rows), rubric).frame._jdf.queryExecution().executedPlan().toString()
        )
        lines = plan.splitlines()
        assert "BroadcastHashJoin" in plan, plan
        children = [lines[i + 1] for i, line in enumerate(lines) if "Exchange hashpartitioning" in line]
        assert children and not [c for c in children if "battery_pct" in c], plan


# ---------------------------------------------------------------- the job and verify


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
            "gps_lat": _floor(r["gps_lat"], 2, 2),
            "gps_lon": _floor(r["gps_lon"], 2, 2),
            "job_site_address": r["job_site_address"].split(", ", 1)[1].rsplit(" ", 1)[0],
            "operator_age": str(int(r["operator_age"]) // 5 * 5),
            "battery_pct": r["battery_pct"],
        }
        for r in world["rows"]
    ]
    want, stats = enforce_py(masked, QIS, 5, "generalize")
    out = spark.read.parquet(world["out"])
    got = [{c: r[c] for c in (*QIS, "battery_pct")} for r in out.collect()]
    assert _sorted(got) == _sorted(want)
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
