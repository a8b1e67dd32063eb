"""The rubric loader accepts the default rubric and rejects bad ones with actionable messages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from piimask.rubric import RubricError, RubricFileError, load_rubric, parse_rubric
from piimask.rubric.markdown import render

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = [
    "event_id",
    "event_ts",
    "tool_serial",
    "tool_model",
    "tool_model_name",
    "firmware_version",
    "operator_id",
    "operator_email",
    "operator_name",
    "job_site_id",
    "job_site_address",
    "gps_lat",
    "gps_lon",
    "battery_pct",
    "torque_nm",
    "usage_minutes",
    "error_code",
]
GENERATOR = ["device_mac", "operator_phone", "operator_age", "operator_notes"]

BASE = """
version: "1"
event_time: {column: ts, rotation: quarterly}
columns:
  - {name: ts, bucket: sensitive, treatment: hour, validate: {type: timestamp, required: true}}
"""


def test_default_rubric_covers_the_reference_dataset(rubric):
    assert set(rubric.names) == set(REFERENCE + GENERATOR)
    assert all(not rubric.column(c).optional for c in REFERENCE)
    assert all(rubric.column(c).optional for c in GENERATOR)
    assert rubric.event_time_column == "event_ts" and rubric.rotation == "quarterly"
    buckets = {c.name: c.bucket for c in rubric.columns}
    assert buckets["operator_email"] == buckets["tool_serial"] == buckets["operator_phone"] == "direct"
    assert buckets["operator_id"] == buckets["device_mac"] == buckets["job_site_id"] == "quasi"
    assert buckets["battery_pct"] == buckets["torque_nm"] == buckets["error_code"] == "behavioral"
    assert rubric.column("operator_notes").treatment == "redact"
    assert len(rubric.sha256) == 64


def test_rubric_objects_are_frozen(rubric):
    with pytest.raises(dataclasses.FrozenInstanceError):
        rubric.columns[0].bucket = "behavioral"
    with pytest.raises(TypeError):
        rubric.column("operator_id").params["prefix"] = "x"


def test_rubric_md_table_matches_rubric_yaml(rubric):
    current = (ROOT / "rubric.md").read_text(encoding="utf-8")
    assert render(current, rubric) == current, "run `pii-mask docs --write rubric.md`"


@pytest.mark.parametrize(
    "extra,needles",
    [
        ("  - {name: x, bucket: secret}", ["column 'x'", "'bucket'", "direct, quasi", "'secret'"]),
        ("  - {name: x, bucket: quasi}", ["column 'x'", "params.prefix", "found None"]),
        ("  - {name: x, bucket: quasi, params: {prefix: Op}}", ["params.prefix", "'Op'"]),
        ("  - {name: x, bucket: quasi, params: {prefix: op, format: ipv6}}", ["params.format", "ipv6"]),
        ("  - {name: x, bucket: sensitive}", ["column 'x'", "'treatment'", "gps_grid"]),
        ("  - {name: x, bucket: direct, treatment: keep}", ["'treatment'", "hmac, drop", "'keep'"]),
        (
            "  - {name: x, bucket: sensitive, treatment: gps_grid, params: {precision: 9}}",
            ["params.precision", "0 to 6", "9"],
        ),
        (
            "  - {name: x, bucket: sensitive, treatment: gps_grid, params: {precison: 2}}",
            ["key 'precison'", "precision"],
        ),
        (
            "  - {name: x, bucket: sensitive, treatment: age_bin, params: {width: five}}",
            ["params.width", "int", "'five'"],
        ),
        (
            "  - {name: x, bucket: sensitive, treatment: redact, params: {detectors: [email, dna]}}",
            ["params.detectors", "'dna'"],
        ),
        ("  - {name: x, bucket: behavioral, validate: {type: lat}}", ["validate.type", "'lat'"]),
        (
            "  - {name: x, bucket: behavioral, validate: {type: integer, min: 5, max: 1}}",
            ["validate.min", "<= validate.max"],
        ),
        ("  - {name: ts, bucket: behavioral}", ["column 'ts'", "unique"]),
        ("  - {name: 'bad name', bucket: behavioral}", ["'name'", "identifier"]),
        ("  - {name: x, bucket: behavioral, optinal: true}", ["key 'optinal'"]),
    ],
)
def test_bad_rubric_is_refused_with_column_parameter_expected_and_found(extra, needles):
    with pytest.raises(RubricError) as err:
        parse_rubric(BASE + extra + "\n")
    message = str(err.value)
    for needle in needles:
        assert needle in message, message
    assert err.value.exit_code == 1


def test_event_time_column_must_be_a_required_timestamp():
    text = BASE.replace("validate: {type: timestamp, required: true}", "validate: {type: timestamp}")
    with pytest.raises(RubricError, match="event-time column"):
        parse_rubric(text)
    with pytest.raises(RubricError, match="'column'"):
        parse_rubric(BASE.replace("column: ts,", "column: when,"))
    with pytest.raises(RubricError, match="'rotation'"):
        parse_rubric(BASE.replace("quarterly", "weekly"))


def test_unreadable_rubrics(tmp_path):
    with pytest.raises(RubricError, match="not valid YAML at line"):
        parse_rubric("columns: [a, b\n")
    with pytest.raises(RubricError, match="unknown_top|one of version"):
        parse_rubric(BASE + "unknown_top: 1\n")
    with pytest.raises(RubricFileError) as err:
        load_rubric(tmp_path / "nope.yaml")
    assert err.value.exit_code == 2 and "does not exist" in str(err.value)
