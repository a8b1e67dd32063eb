"""`pii-mask recipe`: the AWS Glue DataBrew recipe generated from rubric.yaml.

Only documented DataBrew recipe actions are used, with their documented parameter names; every
parameter value is a string (lists JSON-encoded). DataBrew actions that compute a value write a
new column, so those treatments compute into a scratch column, delete the source and rename the
scratch column back to the source's name. databrew/README.md lists where this path differs from
the Glue job (token format, key windows, fail-closed checks, quarantine, vault, audit).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from piimask.errors import Refused
from piimask.rubric.load import Column, Rubric, load_rubric

__all__ = [
    "DEFAULT_HASH_SECRET",
    "DEFAULT_TOKEN_SECRET",
    "add_arguments",
    "build_recipe",
    "main",
    "render",
]

# DataBrew reads these secrets as base64 key material (not the kit's JSON keyring); see README.
DEFAULT_HASH_SECRET = "piimask/databrew/hash-key"
DEFAULT_TOKEN_SECRET = "piimask/databrew/token-key"
SCRATCH = "__piimask_"  # prefix of scratch columns; none survives the recipe
AGE_MAX_DEFAULT = 120


def _step(operation: str, **params: Any) -> dict:
    """One RecipeStep: every parameter value a string, lists JSON-encoded."""
    encoded = {}
    for name, value in params.items():
        if isinstance(value, (list, tuple)):
            encoded[name] = json.dumps(list(value))
        else:
            encoded[name] = str(value)
    return {"Action": {"Operation": operation, "Parameters": encoded}}


def _replace_with(name: str, scratch: str) -> list[dict]:
    """Delete the source column and give the scratch column its name."""
    return [_step("DELETE", sourceColumn=name), _step("RENAME", sourceColumn=scratch, targetColumn=name)]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _snap(name: str, unit_divisor: str, multiply_first: bool) -> list[dict]:
    """floor(x * k) / k (grid) or floor(x / w) * w (band) with MULTIPLY, FLOOR, DIVIDE."""
    a, b, c = (f"{SCRATCH}{name}_{i}" for i in (1, 2, 3))
    first, last = ("MULTIPLY", "DIVIDE") if multiply_first else ("DIVIDE", "MULTIPLY")
    return [
        _step(first, sourceColumn1=name, value2=unit_divisor, targetColumn=a),
        _step("FLOOR", sourceColumn1=a, targetColumn=b),
        _step(last, sourceColumn1=b, value2=unit_divisor, targetColumn=c),
        _step("DELETE", sourceColumn=a),
        _step("DELETE", sourceColumn=b),
        *_replace_with(name, c),
    ]


def _age_bins(col: Column) -> list[dict]:
    width = col.params["width"]
    top = col.validation.max if col.validation.max is not None else AGE_MAX_DEFAULT
    edges = list(range(0, int(top) + width + 1, width))  # 0, w, ..., first edge above max
    names = ["below_0"] + [str(e) for e in edges[:-1]] + [f"above_{edges[-1] - width}"]
    splits = ["-Infinity"] + [str(e) for e in edges] + ["Infinity"]
    scratch = f"{SCRATCH}{col.name}"
    return [
        _step("BUCKETIZATION", sourceColumn=col.name, targetColumn=scratch, bucketNames=names, splits=splits),
        *_replace_with(col.name, scratch),
    ]


# "..., City, ST 97209": the last "City, ST" before an optional ZIP and country (Java regex).
CITY_STATE_PATTERN = (
    r"[^,\d\s][^,\d]*,\s*[A-Za-z]{2}"
    r"(?=\.?(?:\s+\d{5}(?:-\d{4})?)?\s*(?:,\s*(?:USA|US|United States))?\s*$)"
)
HOUR_FORMAT = "yyyy-mm-dd HH"  # DataBrew tokens: mm is the month, HH the hour; minutes dropped


def _redact(col: Column) -> list[dict]:
    from piimask.treatments.freetext.detectors import (
        redact_patterns,  # the Glue job's own regexes (Java syntax)
    )

    steps = []
    p = col.params
    chosen = redact_patterns(p["detectors"], p["serial_pattern"], p.get("placeholders"))
    for name, pattern, placeholder in chosen:
        # DataBrew has no Luhn check (its card step redacts every 13-19 digit run) and no room for
        # the name dictionary (a parameter holds at most a few KB): names stay with the Glue job
        if name != "person":
            steps.append(_step("REPLACE_TEXT", sourceColumn=col.name, pattern=pattern, value=placeholder))
    return steps


def _column_steps(col: Column, hash_secret: str, token_secret: str) -> list[dict]:
    t, name = col.treatment, col.name
    if t == "keep":
        return []
    if t == "drop":
        return [_step("DELETE", sourceColumn=name)]
    if t == "hmac":
        return [
            _step("CRYPTOGRAPHIC_HASH", sourceColumns=[name], algorithm="HMAC_SHA256", secretId=hash_secret)
        ]
    if t == "token":
        return [_step("DETERMINISTIC_ENCRYPT", sourceColumns=[name], secretId=token_secret)]
    if t == "gps_grid":
        return _snap(name, str(10 ** col.params["precision"]), multiply_first=True)
    if t == "band":
        return _snap(name, _number(col.params["width"]), multiply_first=False)
    if t == "age_bin":
        return _age_bins(col)
    if t == "hour":
        scratch = f"{SCRATCH}{name}"
        return [
            _step("DATE_FORMAT", sourceColumn=name, dateTimeFormat=HOUR_FORMAT, targetColumn=scratch),
            *_replace_with(name, scratch),
        ]
    if t == "city_state":
        scratch = f"{SCRATCH}{name}"
        return [
            _step("EXTRACT_PATTERN", sourceColumn=name, pattern=CITY_STATE_PATTERN, targetColumn=scratch),
            *_replace_with(name, scratch),
        ]
    if t == "redact":
        return _redact(col)
    if t == "date_shift":
        raise Refused(
            f"column {name!r} uses treatment date_shift, which has no DataBrew rendering (DataBrew "
            "has no keyed per-entity date offset). Mask this dataset with the Glue job, or give the "
            "column another sensitive treatment (hour, drop) before generating a recipe."
        )
    # The default for anything unlisted masks; it never passes data through.
    raise ValueError(f"treatment {t!r} of column {name!r} has no DataBrew rendering")


def build_recipe(
    rubric: Rubric, secret_id: str = DEFAULT_HASH_SECRET, token_secret_id: str = DEFAULT_TOKEN_SECRET
) -> list[dict]:
    """DataBrew RecipeSteps for the rubric, in rubric column order."""
    steps: list[dict] = []
    for col in rubric.columns:
        steps.extend(_column_steps(col, secret_id, token_secret_id))
    return steps


def render(steps: list[dict]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(steps, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rubric", default="rubric.yaml", help="path to rubric.yaml")
    parser.add_argument(
        "--secret-id",
        default=DEFAULT_HASH_SECRET,
        help="Secrets Manager secret (id or ARN) for CRYPTOGRAPHIC_HASH",
    )
    parser.add_argument(
        "--token-secret-id",
        default=DEFAULT_TOKEN_SECRET,
        help="Secrets Manager secret (id or ARN) for DETERMINISTIC_ENCRYPT",
    )


def main(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    sys.stdout.write(render(build_recipe(rubric, args.secret_id, args.token_secret_id)))
    return 0
