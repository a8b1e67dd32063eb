"""Building blocks for DataBrew recipe steps (documented actions and parameter names only).

DataBrew actions that compute a value write a new column, so a treatment computes into a
scratch column, deletes the source and renames the scratch column back to the source's name.
Every parameter value is a string (lists JSON-encoded).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["SCRATCH", "number", "replace_with", "snap", "step"]

SCRATCH = "__piimask_"  # prefix of scratch columns; none survives the recipe


def step(operation: str, **params: Any) -> dict:
    """One RecipeStep: every parameter value a string, lists JSON-encoded."""
    encoded = {}
    for name, value in params.items():
        if isinstance(value, (list, tuple)):
            encoded[name] = json.dumps(list(value))
        else:
            encoded[name] = str(value)
    return {"Action": {"Operation": operation, "Parameters": encoded}}


def replace_with(name: str, scratch: str) -> list[dict]:
    """Delete the source column and give the scratch column its name."""
    return [step("DELETE", sourceColumn=name), step("RENAME", sourceColumn=scratch, targetColumn=name)]


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def snap(name: str, unit_divisor: str, multiply_first: bool) -> list[dict]:
    """floor(x * k) / k (grid) or floor(x / w) * w (band) with MULTIPLY, FLOOR, DIVIDE."""
    a, b, c = (f"{SCRATCH}{name}_{i}" for i in (1, 2, 3))
    first, last = ("MULTIPLY", "DIVIDE") if multiply_first else ("DIVIDE", "MULTIPLY")
    return [
        step(first, sourceColumn1=name, value2=unit_divisor, targetColumn=a),
        step("FLOOR", sourceColumn1=a, targetColumn=b),
        step(last, sourceColumn1=b, value2=unit_divisor, targetColumn=c),
        step("DELETE", sourceColumn=a),
        step("DELETE", sourceColumn=b),
        *replace_with(name, c),
    ]
