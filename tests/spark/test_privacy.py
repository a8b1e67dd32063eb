"""k-anonymity: the rubric's privacy section, the job's enforcement, verify's check, and a
cross-check of every number against a plain-Python computation over collected rows."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from privacy_oracle import QIS, class_stats_py, enforce_py, rubric_text, sorted_rows
from pyspark.sql import functions as F
from rubric_variants import DEFAULT

from piimask.job import privacy
from piimask.rubric import RubricError, parse_rubric
from piimask.rubric.markdown import privacy_section
from piimask.verify import row_checks

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "seed_sample_tool_telemetry.csv"


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


@pytest.mark.parametrize("action", ["report", "suppress", "generalize"])
def test_spark_matches_plain_python(spark, action):
    rows = masked_rows(seed=3, n=160)
    rubric = parse_rubric(rubric_text(k=3, quasi_identifiers=QIS, action=action))
    e = privacy.enforce(frame(spark, rows), rubric)
    got = as_dicts(e.frame)  # the action that fills the observations
    record = e.record()

    want, stats = enforce_py(rows, QIS, 3, action)
    assert sorted_rows(got) == sorted_rows(want)
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
