"""Per-column validation: a rubric column -> (reason code, Column condition true when violated).

Rows with any violation go to quarantine with their reason codes; they never reach the output.
A treatment that could not generalize a present value (say, an address with no city) is a
violation too, so the masked output never holds a silent null.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, NumericType, StringType, TimestampNTZType, TimestampType

from piimask.errors import Refused
from piimask.expr.values import epoch_seconds, to_decimal, to_integer
from piimask.rubric import Column as RubricColumn
from piimask.rubric import Rubric
from piimask.treatments import treatment

__all__ = ["MALFORMED_RECORD", "check_types", "reason_codes", "reasons_column", "violations"]

MALFORMED_RECORD = "_record:malformed_record"
# No control or format character anywhere (a NUL, a zero-width space): such a value is not an
# address anyone can receive mail at, and its digest would not join with the clean one.
EMAIL = r"^[^@\s\p{Cc}\p{Cf}]+@[^@\s\p{Cc}\p{Cf}]+\.[^@\s.\p{Cc}\p{Cf}]{2,}$"
RANGES = {"latitude": (-90, 90), "longitude": (-180, 180)}


# The Spark types each validation kind can read (a string is parsed). Any other type (a Parquet
# timestamp stored as epoch seconds, a boolean latitude, a struct) fails every row's check, which
# sent the whole input to quarantine and published an empty output over the previous one.
_READABLE = {
    "timestamp": (StringType, TimestampType, TimestampNTZType),
    "latitude": (StringType, NumericType),
    "longitude": (StringType, NumericType),
    "number": (StringType, NumericType),
    "integer": (StringType, NumericType),
    "email": (StringType,),
}


def _kind(spec: RubricColumn) -> str:
    kind = spec.validation.type
    value_type = treatment(spec.treatment).value_type
    return value_type if kind == "string" and value_type is not None else kind


def check_types(rubric: Rubric, dtypes: Mapping[str, DataType]) -> None:
    """Refuse (before any row is read) an input column whose type its validation cannot read."""
    wrong = []
    for spec in rubric.columns:
        readable = _READABLE.get(_kind(spec))
        dtype = dtypes.get(spec.name)
        if readable and dtype is not None and not isinstance(dtype, readable):
            wrong.append(f"{spec.name} is {dtype.simpleString()}, expected {_kind(spec)}")
    if wrong:
        raise Refused(
            "the input's column types do not fit the rubric: "
            + "; ".join(wrong)
            + ". Every row would fail validation and go to quarantine. Nothing was written. Convert "
            "the column(s) (a string in ISO-8601 or decimal form is always accepted) and re-run."
        )


def violations(spec: RubricColumn, col: Column, dtype: DataType) -> list[tuple[str, Column]]:
    """(reason code, condition) pairs for one column; conditions are null-safe booleans."""
    v = spec.validation
    present = col.isNotNull() & (F.trim(col.cast("string")) != "")
    out: list[tuple[str, Column]] = []
    if v.required:
        out.append(("missing_required", ~present))
    record = treatment(spec.treatment)
    kind = _kind(spec)  # e.g. gps_grid reads a number from a "string" column
    if kind == "timestamp":
        out.append(("unparsable_timestamp", present & epoch_seconds(col, dtype).isNull()))
    elif kind in ("latitude", "longitude", "number"):
        d = to_decimal(col, dtype)
        out.append(("unparsable_number", present & d.isNull()))
        lo, hi = RANGES.get(kind, (v.min, v.max))
        lo = v.min if v.min is not None else lo
        hi = v.max if v.max is not None else hi
        if lo is not None:
            out.append(("out_of_range", present & d.isNotNull() & (d < F.lit(lo))))
        if hi is not None:
            out.append(("out_of_range", present & d.isNotNull() & (d > F.lit(hi))))
    elif kind == "integer":
        i = to_integer(col, dtype)
        out.append(("unparsable_integer", present & i.isNull()))
        if v.min is not None:
            out.append(("out_of_range", present & i.isNotNull() & (i < F.lit(v.min))))
        if v.max is not None:
            out.append(("out_of_range", present & i.isNotNull() & (i > F.lit(v.max))))
    elif kind == "email":
        out.append(("malformed_email", present & ~F.trim(col.cast("string")).rlike(EMAIL)))
    out.extend((code, present & cond) for code, cond in record.input_checks(col, dtype))
    return [(f"{spec.name}:{code}", F.coalesce(cond, F.lit(False))) for code, cond in out]


def _all(rubric: Rubric, dtypes: Mapping[str, DataType]) -> list[tuple[str, Column]]:
    found = []
    for spec in rubric.columns:
        if spec.name in dtypes:
            found.extend(violations(spec, F.col(spec.name), dtypes[spec.name]))
    if "_corrupt_record" in dtypes:
        found.append((MALFORMED_RECORD, F.col("_corrupt_record").isNotNull()))
    return found


def reason_codes(rubric: Rubric, dtypes: Mapping[str, DataType]) -> list[str]:
    """Every reason code this rubric can give on this input, without duplicates, in order."""
    return list(dict.fromkeys(code for code, _ in _all(rubric, dtypes)))


def reasons_column(rubric: Rubric, dtypes: Mapping[str, DataType]) -> Column:
    """array<string> of the reason codes a row violates (empty when the row is valid)."""
    checks = _all(rubric, dtypes)
    if not checks:
        return F.array().cast("array<string>")
    arr = F.array(*[F.when(cond, F.lit(code)) for code, cond in checks])
    listed = F.array_distinct(F.filter(arr, lambda x: x.isNotNull()))
    # The lambda of `filter` runs interpreted (no codegen); most rows are valid, so it is only
    # evaluated for rows where some check fails, which plain generated code decides.
    violated = checks[0][1]
    for _, cond in checks[1:]:
        violated = violated | cond
    return F.when(violated, listed).otherwise(F.array().cast("array<string>"))
