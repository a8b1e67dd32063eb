"""city_state: an address reduced to "City, ST" (street, number and ZIP removed)."""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType

from piimask.expr.values import ADDRESS_PATTERN
from piimask.treatments.base import ColumnSpec, DataBrewKeys, Invariant, RowContext, Treatment, bad
from piimask.treatments.databrew import SCRATCH, replace_with, step

__all__ = ["CITY_STATE", "CITY_STATE_PATTERN", "TREATMENT"]

CITY_STATE = r"^[^,\d]*, [A-Z]{2}$"  # what every output value looks like
# "..., City, ST 97209": the last "City, ST" before an optional ZIP and country (Java regex).
CITY_STATE_PATTERN = (
    r"[^,\d\s][^,\d]*,\s*[A-Za-z]{2}"
    r"(?=\.?(?:\s+\d{5}(?:-\d{4})?)?\s*(?:,\s*(?:USA|US|United States))?\s*$)"
)


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    text = col.cast("string")
    # One regex run, not two (a regexp_extract per group): a valid address matches the whole
    # pattern (validation), so it becomes "city,ST" (the city holds no comma); the tail
    # consumes a final line terminator that $ stops before. A blank value (no comma, not
    # validated) gives ", " as the two extracts did.
    both = F.regexp_replace(text, ADDRESS_PATTERN + r"(?s:.*)", "$1,$2")
    city = F.trim(F.substring_index(both, ",", 1))
    state = F.upper(F.trim(F.substring_index(both, ",", -1)))
    return F.concat(city, F.lit(", "), state)


def _input_checks(col: Column, dtype: DataType) -> list[tuple[str, Column]]:
    return [("unparsable_address", ~col.cast("string").rlike(ADDRESS_PATTERN))]


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    scratch = f"{SCRATCH}{spec.name}"
    return [
        step("EXTRACT_PATTERN", sourceColumn=spec.name, pattern=CITY_STATE_PATTERN, targetColumn=scratch),
        *replace_with(spec.name, scratch),
    ]


TREATMENT = Treatment(
    name="city_state",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: 'reduced to "City, ST" (street and ZIP removed)',
    databrew=_databrew,
    reason="address_not_generalized",
    meaning="address still holds digits (street number, ZIP) or is not 'City, ST'",
    invariant=lambda p: Invariant(
        "'City, ST' without digits",
        lambda c, d: bad(c, c.cast("string").rlike(CITY_STATE)),
    ),
    input_checks=_input_checks,
    class_value=True,
)
