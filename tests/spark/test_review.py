"""A behavioral column whose sampled values look personal needs `reviewed_by:` and `reason:`."""

from __future__ import annotations

from pathlib import Path

import pytest
from lifecycle_fixtures import COLUMNS, ROOT, row, write_csv

from piimask.errors import PiiMaskError
from piimask.job import RunOptions, run
from piimask.job.review import check_reviewed, personal_looking
from piimask.keys.keyring import new_keyring, save
from piimask.rubric import RubricError, load_rubric, parse_rubric
from piimask.rubric.markdown import column_table

RUBRIC = ROOT / "rubric.yaml"


def test_detects_personal_looking_values_without_false_alarms(spark):
    data = [
        (
            "alex@example.com",
            "(503) 555-0142",
            "Alex Nguyen",
            "aa:bb:cc:dd:ee:01",
            "20V MAX Drill",
            "87",
            "E001_LOW",
        ),
        ("", "503.555.0199", "Jordan Patel", "", "FLEXVOLT Worm Drive Saw", "45", ""),
        (None, "+14155550100", "Sam Garcia", None, "20V MAX Impact Driver", "9", "E014_OVERTORQUE"),
    ]
    df = spark.createDataFrame(data, "a string, b string, c string, d string, e string, f string, g string")
    found = personal_looking(df, df.columns)
    assert found == {
        "a": ["email addresses"],
        "b": ["phone numbers"],
        "c": ["person names"],
        "d": ["MAC addresses"],
    }


def reviewed_rubric(text: str, column: str, extra: str) -> str:
    anchor = f"  - name: {column}\n    bucket: behavioral\n"
    assert anchor in text
    return text.replace(anchor, anchor + extra, 1)


def test_job_stops_for_an_unreviewed_personal_behavioral_column(spark, tmp_path):
    inp = tmp_path / "in.csv"
    write_csv(
        inp, [row(i, i % 4, f"2026-04-2{i}T10:00:00Z", error_code=f"user{i}@example.com") for i in range(4)]
    )
    ring = f"file:{tmp_path / 'k.json'}"
    save(new_keyring("quarterly"), ring)
    out = tmp_path / "out"
    opts = RunOptions(str(RUBRIC), str(inp), str(out), str(tmp_path / "q"), str(tmp_path / "v"), ring)
    with pytest.raises(
        PiiMaskError, match="'error_code' \\(sampled values look like email addresses\\)"
    ) as info:
        run(spark, opts)
    assert (
        info.value.exit_code == 1 and "@example.com" not in str(info.value) and "user" not in str(info.value)
    )
    assert not out.exists() and not (tmp_path / "v").exists() and not (tmp_path / "q").exists()

    # with a reviewer and a reason the same column passes the check, and rubric.md shows both
    text = reviewed_rubric(
        RUBRIC.read_text(),
        "error_code",
        "    reviewed_by: DPO Jane Roe\n    reason: test fixture codes only\n",
    )
    rubric = parse_rubric(text)
    df = spark.read.options(header="true").csv(str(inp))
    check_reviewed(df, rubric)
    assert "DPO Jane Roe: test fixture codes only" in column_table(rubric)
    with pytest.raises(RubricError, match="given together"):
        parse_rubric(reviewed_rubric(RUBRIC.read_text(), "error_code", "    reviewed_by: DPO Jane Roe\n"))


def test_default_rubric_passes_on_the_reference_sample(spark):
    df = spark.read.options(header="true").csv(
        str(ROOT.parent / "shared/reference/seed_sample_tool_telemetry.csv")
    )
    check_reviewed(df, load_rubric(RUBRIC))
    assert set(COLUMNS) - {"device_mac"} <= set(df.columns)
    assert Path(RUBRIC).exists()
