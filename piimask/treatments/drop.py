"""drop: the column leaves the output (any bucket)."""

from __future__ import annotations

from piimask.treatments.base import Treatment
from piimask.treatments.databrew import step

__all__ = ["TREATMENT"]

TREATMENT = Treatment(
    name="drop",
    buckets=("direct", "quasi", "sensitive", "behavioral"),
    expression=None,
    words=lambda p, rotation: "removed from the output",
    databrew=lambda spec, keys: [step("DELETE", sourceColumn=spec.name)],
    drops=True,
)
