"""The synthetic telemetry generator: determinism, schema, formats, labels, edge-case options."""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from piimask.tools import generate as gen

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_tool_telemetry.csv"
SAMPLE_LABELS = ROOT / "data" / "sample_tool_telemetry.labels.jsonl"
SAMPLE_ARGS = {"rows": 300, "seed": 7}  # as in data/generate_synthetic.py's docstring
SAMPLE_FAKER_VERSION = "40.54.0"  # Faker's pools differ between versions

PATTERNS = {
    "event_id": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "event_ts": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}",
    "tool_serial": r"DW\d{10}",
    "tool_model": r"DC[A-Z]\d{3}",
    "operator_id": r"OP-\d{5}",
    "operator_email": r"[^@\s]+@[^@\s]+\.[a-z]{2,}",
    "operator_name": r"\S+( \S+)+",
    "job_site_id": r"JS-\d{3}",
    "job_site_address": r".+, [^,\d]+, [A-Z]{2}( \d{5})?",
    "gps_lat": r"-?\d{1,2}\.\d{6}",
    "gps_lon": r"-?\d{1,3}\.\d{6}",
    "torque_nm": r"\d+\.\d",
    "error_code": r"(E\d{3}_[A-Z_]+)?",
    "device_mac": r"([0-9a-f]{2}:){5}[0-9a-f]{2}|([0-9A-F]{2}:){5}[0-9A-F]{2}",
    "operator_phone": r"\(\d{3}\) \d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\+1 \d{3} \d{3} \d{4}|\+1\d{10}",
}


@pytest.fixture(scope="module")
def sample(spark):
    data, labels = gen.generate_with_labels(spark, 400, seed=11)
    return data.collect(), labels.collect()


def test_schema_is_the_21_columns_in_order_all_strings(spark):
    df = gen.generate(spark, 20, seed=1)
    assert df.columns == gen.COLUMNS
    assert len(gen.COLUMNS) == 21
    assert {t for _, t in df.dtypes} == {"string"}


def test_same_seed_same_rows_other_seed_other_rows(spark, sample):
    again = gen.generate(spark, 400, seed=11).collect()
    assert again == sample[0]
    other = gen.generate(spark, 400, seed=12).collect()
    assert {r.event_id for r in other}.isdisjoint(r.event_id for r in sample[0])
    assert [r.operator_notes for r in other] != [r.operator_notes for r in sample[0]]


def test_values_have_the_reference_formats(sample):
    rows = sample[0]
    assert len({r.event_id for r in rows}) == len(rows)
    for row in rows:
        for column, pattern in PATTERNS.items():
            assert re.fullmatch(pattern, row[column]), column
        assert 0 <= int(row.battery_pct) <= 100
        assert 18 <= int(row.operator_age) <= 70
        assert int(row.usage_minutes) > 0
    emails = " ".join(r.operator_email for r in rows)
    assert not emails.isascii()  # some names (and so mailboxes) carry accents or kanji
    assert len({r.operator_phone[:2] for r in rows}) > 1  # more than one phone format


def test_events_span_several_key_windows_and_zones(sample):
    quarters, zones = set(), set()
    for row in sample[0]:
        ts = dt.datetime.fromisoformat(row.event_ts).astimezone(dt.UTC)
        quarters.add((ts.year, (ts.month - 1) // 3 + 1))
        zones.add(row.event_ts[-6:])
    assert len(quarters) >= 4
    assert "+00:00" in zones and len(zones) > 1


def test_activity_is_skewed_and_gps_stays_near_the_site(sample):
    rows = sample[0]
    counts = sorted(collections.Counter(r.operator_id for r in rows).values(), reverse=True)
    assert counts[0] >= 5 * counts[len(counts) // 2]
    by_site = collections.defaultdict(list)
    for r in rows:
        by_site[r.job_site_id].append((float(r.gps_lat), float(r.gps_lon)))
    for points in by_site.values():
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        assert max(lats) - min(lats) < 0.01 and max(lons) - min(lons) < 0.01


def test_labels_are_exact_spans_of_the_notes(sample):
    rows, labels = sample
    notes = {r.event_id: r.operator_notes for r in rows}
    for label in labels:
        assert notes[label.row][label.start : label.end] == label.text
        assert label.type in gen.ENTITY_TYPES
    assert {label.type for label in labels} == set(gen.ENTITY_TYPES)
    names = {r.event_id: (r.operator_name, r.operator_name.split(" ")[0]) for r in rows}
    persons = [(names[lb.row], lb.text) for lb in labels if lb.type == "PERSON"]
    assert any(text == full for (full, _), text in persons)
    assert any(text == first for (_, first), text in persons)
    assert any(text not in pair for pair, text in persons)  # other people too
    texts = [r.operator_notes for r in rows]
    assert "" in texts and any("\n" in t for t in texts) and any("," in t for t in texts)


def test_malformed_rate_breaks_timestamps_latitudes_and_emails(spark):
    rows = gen.generate(spark, 300, seed=5, malformed_rate=0.3).collect()
    bad_ts = [r for r in rows if not re.match(r"\d{4}-\d{2}-\d{2}T", r.event_ts)]
    bad_lat = [r for r in rows if abs(float(r.gps_lat)) > 90]
    bad_email = [r for r in rows if "@" not in r.operator_email]
    assert bad_ts and bad_lat and bad_email
    assert len(bad_ts) + len(bad_lat) + len(bad_email) < 0.5 * len(rows)


def test_null_rate_spares_the_key_columns(spark):
    data, labels = gen.generate_with_labels(spark, 300, seed=5, null_rate=0.2)
    rows, labels = data.collect(), labels.collect()
    assert all(r.event_id and r.event_ts for r in rows)
    nulls = collections.Counter(c for r in rows for c in gen.COLUMNS if r[c] is None)
    assert set(nulls) == set(gen.COLUMNS) - set(gen.KEY_COLUMNS)
    without_notes = {r.event_id for r in rows if r.operator_notes is None}
    assert without_notes and not any(lb.row in without_notes for lb in labels)


@pytest.mark.e2e  # generates a dataset with the generator: a whole tool run
def test_spark_writers_round_trip(spark, tmp_path):
    df = gen.generate(spark, 40, seed=2, null_rate=0.1)
    expected = sorted(df.collect())
    for fmt in gen.FORMATS:
        gen.write(df, tmp_path / fmt, fmt)
    read = {
        "parquet": spark.read.parquet(str(tmp_path / "parquet")),
        "json": spark.read.json(str(tmp_path / "json")).select(*gen.COLUMNS),
        "csv": spark.read.csv(str(tmp_path / "csv"), header=True, multiLine=True, escape='"'),
    }
    assert sorted(read["parquet"].collect()) == expected
    assert sorted(read["json"].collect()) == expected
    # CSV cannot tell null from empty; compare with nulls as empty strings
    as_text = sorted(tuple("" if v is None else v for v in r) for r in expected)
    got = sorted(tuple("" if v is None else v for v in r) for r in read["csv"].collect())
    assert got == as_text


@pytest.mark.e2e  # generates a dataset with the generator: a whole tool run
def test_committed_sample_equals_a_fresh_regeneration(spark, tmp_path):
    import faker

    if faker.VERSION != SAMPLE_FAKER_VERSION:
        pytest.skip(f"sample was generated with Faker {SAMPLE_FAKER_VERSION}")
    data, labels = gen.generate_with_labels(spark, **SAMPLE_ARGS)
    gen.write(data, tmp_path / "s.csv", "csv", single_file=True)
    gen.write_labels(labels, tmp_path / "s.jsonl", single_file=True)
    assert (tmp_path / "s.csv").read_bytes() == SAMPLE.read_bytes()
    assert (tmp_path / "s.jsonl").read_bytes() == SAMPLE_LABELS.read_bytes()
    first = json.loads(SAMPLE_LABELS.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == ["row", "start", "end", "type", "text"]


@pytest.mark.parametrize(
    "changes",
    [
        {"rows": 0},
        {"malformed_rate": 1.5},
        {"null_rate": -0.1},
        {"format": "parquet"},
        {"rows": gen.SINGLE_FILE_MAX_ROWS + 1},
    ],
)
def test_bad_arguments_exit_2_before_spark(changes):
    args = {
        "rows": 10,
        "seed": 1,
        "output": "unused",
        "format": "csv",
        "malformed_rate": 0.0,
        "null_rate": 0.0,
        "labels": None,
        "single_file": True,
    }
    args.update(changes)
    with pytest.raises(gen.GenerateError) as err:
        gen.main(argparse.Namespace(**args))
    assert err.value.exit_code == 2
    assert "\n" not in str(err.value)
