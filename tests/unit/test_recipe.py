"""databrew/recipe.json: generated from rubric.yaml, valid for botocore, accepted by moto."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_fixtures import aws, client, moto_server  # noqa: F401

from piimask.aws.recipe import build_recipe, render
from piimask.rubric import load_rubric, parse_rubric

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "databrew" / "recipe.json"
DOCUMENTED = {  # operation -> parameter names, as the DataBrew recipe-action reference lists them
    "CRYPTOGRAPHIC_HASH": {
        "sourceColumns",
        "secretId",
        "secretVersion",
        "entityTypeFilter",
        "createSecretIfMissing",
        "algorithm",
    },
    "DETERMINISTIC_ENCRYPT": {
        "sourceColumns",
        "secretId",
        "secretVersion",
        "entityTypeFilter",
        "createSecretIfMissing",
    },
    "MULTIPLY": {"sourceColumn1", "value1", "sourceColumn2", "value2", "targetColumn"},
    "DIVIDE": {"sourceColumn1", "value1", "sourceColumn2", "value2", "targetColumn"},
    "FLOOR": {"sourceColumn1", "value", "targetColumn"},
    "BUCKETIZATION": {"sourceColumn", "targetColumn", "bucketNames", "splits", "percentage"},
    "DATE_FORMAT": {"sourceColumn", "value", "dateTimeFormat", "targetColumn"},
    "EXTRACT_PATTERN": {"sourceColumn", "targetColumn", "pattern"},
    "REPLACE_TEXT": {"sourceColumn", "pattern", "value"},
    "DELETE": {"sourceColumn"},
    "RENAME": {"sourceColumn", "targetColumn"},
}


@pytest.fixture(scope="module")
def steps():
    return build_recipe(load_rubric(ROOT / "rubric.yaml"))


def test_committed_recipe_matches_rubric(steps):
    assert RECIPE.read_text(encoding="utf-8") == render(steps), (
        "databrew/recipe.json drifted from rubric.yaml; regenerate it with "
        "`pii-mask recipe --rubric rubric.yaml > databrew/recipe.json`"
    )


def test_cli_prints_the_same_json():
    out = subprocess.run(
        [sys.executable, "-m", "piimask.cli", "recipe", "--rubric", str(ROOT / "rubric.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == RECIPE.read_text(encoding="utf-8")
    assert out.stdout.endswith("\n")


def test_only_documented_operations_and_parameters(steps):
    for step in steps:
        action = step["Action"]
        assert action["Operation"] in DOCUMENTED, action["Operation"]
        assert set(action["Parameters"]) <= DOCUMENTED[action["Operation"]], action
        assert all(isinstance(v, str) for v in action["Parameters"].values())


def test_every_treatment_is_rendered(steps):
    ops = [s["Action"]["Operation"] for s in steps]
    hashed = [
        json.loads(s["Action"]["Parameters"]["sourceColumns"])[0]
        for s in steps
        if s["Action"]["Operation"] == "CRYPTOGRAPHIC_HASH"
    ]
    assert hashed == ["event_id", "tool_serial", "operator_email", "operator_name", "operator_phone"]
    assert all(
        s["Action"]["Parameters"]["algorithm"] == "HMAC_SHA256"
        for s in steps
        if s["Action"]["Operation"] == "CRYPTOGRAPHIC_HASH"
    )
    assert ops.count("DETERMINISTIC_ENCRYPT") == 3
    assert {
        "MULTIPLY",
        "FLOOR",
        "DIVIDE",
        "BUCKETIZATION",
        "DATE_FORMAT",
        "EXTRACT_PATTERN",
        "REPLACE_TEXT",
    } <= set(ops)
    # no scratch column survives: every one created is deleted or renamed away
    created = {
        s["Action"]["Parameters"]["targetColumn"]
        for s in steps
        if s["Action"]["Operation"] not in ("RENAME",) and "targetColumn" in s["Action"]["Parameters"]
    }
    gone = {
        s["Action"]["Parameters"]["sourceColumn"]
        for s in steps
        if s["Action"]["Operation"] in ("DELETE", "RENAME")
    }
    assert created <= gone


def test_drop_deletes_and_keep_adds_nothing():
    rubric = parse_rubric("""
version: "1"
event_time: {column: ts}
columns:
  - {name: ts, bucket: sensitive, treatment: hour, validate: {type: timestamp, required: true}}
  - {name: secret_note, bucket: sensitive, treatment: drop}
  - {name: battery_pct, bucket: behavioral}
  - {name: salary, bucket: sensitive, treatment: band, params: {width: 1000}}
""")
    steps = build_recipe(rubric, secret_id="arn:aws:secretsmanager:us-east-1:123456789012:secret:x")
    touched = json.dumps(steps)
    assert '"battery_pct"' not in touched
    assert {"Action": {"Operation": "DELETE", "Parameters": {"sourceColumn": "secret_note"}}} in steps
    band = [s["Action"] for s in steps if "salary" in json.dumps(s)]
    assert [a["Operation"] for a in band[:3]] == ["DIVIDE", "FLOOR", "MULTIPLY"]
    assert band[0]["Parameters"]["value2"] == "1000"


def test_age_bins_and_grid(steps):
    bucket = next(s["Action"]["Parameters"] for s in steps if s["Action"]["Operation"] == "BUCKETIZATION")
    splits, names = json.loads(bucket["splits"]), json.loads(bucket["bucketNames"])
    assert len(names) == len(splits) - 1
    assert splits[:3] == ["-Infinity", "0", "5"] and splits[-1] == "Infinity"
    assert names[1:3] == ["0", "5"]
    grid = [s["Action"] for s in steps if s["Action"]["Parameters"].get("sourceColumn1") == "gps_lat"]
    assert grid[0] == {
        "Operation": "MULTIPLY",
        "Parameters": {"sourceColumn1": "gps_lat", "value2": "100", "targetColumn": "__piimask_gps_lat_1"},
    }


def test_city_state_pattern_extracts_city_and_state():
    from piimask.treatments.city_state import CITY_STATE_PATTERN

    for text, want in [
        ("1200 W Burnside St, Portland, OR 97209", "Portland, OR"),
        ("5 Main St, Salt Lake City, UT 84101, USA", "Salt Lake City, UT"),
        ("Austin, TX", "Austin, TX"),
    ]:
        assert re.search(CITY_STATE_PATTERN, text).group(0) == want


def test_steps_pass_botocore_validation(steps):
    import botocore.session
    from botocore.validate import validate_parameters

    model = botocore.session.get_session().get_service_model("databrew")
    shape = model.operation_model("CreateRecipe").input_shape
    validate_parameters({"Name": "piimask-tool-telemetry", "Steps": steps}, shape)  # raises
    step_shape = shape.members["Steps"].member
    op_pattern = re.compile(step_shape.members["Action"].members["Operation"].metadata["pattern"])
    params = step_shape.members["Action"].members["Parameters"]
    name_pattern = re.compile(params.key.metadata["pattern"])
    max_value = params.value.metadata["max"]
    for step in steps:
        assert op_pattern.fullmatch(step["Action"]["Operation"])
        for name, value in step["Action"]["Parameters"].items():
            assert name_pattern.fullmatch(name) and len(value) <= max_value


def test_botocore_rejects_a_non_string_parameter():
    import botocore.session
    from botocore.exceptions import ParamValidationError
    from botocore.validate import validate_parameters

    shape = (
        botocore.session.get_session()
        .get_service_model("databrew")
        .operation_model("CreateRecipe")
        .input_shape
    )
    bad = [{"Action": {"Operation": "DELETE", "Parameters": {"sourceColumns": ["x"]}}}]
    with pytest.raises(ParamValidationError):
        validate_parameters({"Name": "r", "Steps": bad}, shape)


@pytest.mark.usefixtures("aws")
def test_moto_accepts_publishes_and_describes(steps):
    databrew = client("databrew")
    databrew.create_recipe(Name="piimask-tool-telemetry", Steps=steps)
    databrew.publish_recipe(Name="piimask-tool-telemetry", Description="test")
    described = databrew.describe_recipe(Name="piimask-tool-telemetry", RecipeVersion="LATEST_PUBLISHED")
    assert described["Steps"] == steps
    assert described["RecipeVersion"] == "1.0"
