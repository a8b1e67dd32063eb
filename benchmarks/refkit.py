"""The reference kit's approach, as an anchor: one Python UDF per treated column, nothing else.

This is how the kit this project replaces masks telemetry, and what a user compares the job with
on the reference kit's 17 columns: ``hmac`` (one secret key, no key windows) for the direct
identifiers, a SHA-256 of a salt and the value for the quasi-identifiers, a Python grid snap for
the coordinates, a Python "drop the street" for the address, Spark's ``date_trunc`` for the event
time, behavioral columns copied. No validation, quarantine, vault, k-anonymity, key windows or
audit: it has none, so leaving them out is what makes it the honest anchor (and the favourable
one: every one of them would only add time). Free-text columns, absent from its schema, are
dropped. Kept in ``benchmarks/`` only.
"""

from __future__ import annotations

import hashlib
import hmac
import math

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from piimask.rubric import Rubric

# the reference kit's schema (../shared/design.md, "Reference dataset"): the generator's columns
# without device_mac, operator_phone, operator_age and operator_notes
REFERENCE_COLUMNS = (
    "event_id event_ts tool_serial tool_model tool_model_name firmware_version operator_id "
    "operator_email operator_name job_site_id job_site_address gps_lat gps_lon battery_pct "
    "torque_nm usage_minutes error_code"
).split()


def build(df: DataFrame, rubric: Rubric, key: bytes, salt: bytes) -> DataFrame:
    """``df`` masked the reference kit's way, column by column, in the input's column order."""

    def hmac_udf(value):
        return None if value is None else hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def token_udf(value):
        return None if value is None else hashlib.sha256(salt + value.encode("utf-8")).hexdigest()[:20]

    def grid_udf(value):
        try:
            return None if value is None else f"{math.floor(float(value) * 100) / 100:.2f}"
        except ValueError:
            return None

    def street_drop_udf(value):  # "12 Main St, Springfield, IL 62701" -> "Springfield, IL"
        if value is None:
            return None
        parts = [p.strip() for p in value.split(",")]
        return ", ".join(parts[1:3]) if len(parts) > 2 else None

    udfs = {
        "hmac": F.udf(hmac_udf, StringType()),
        "token": F.udf(token_udf, StringType()),
        "gps_grid": F.udf(grid_udf, StringType()),
        "city_state": F.udf(street_drop_udf, StringType()),
    }
    known = set(rubric.names)
    exprs = []
    for name in df.columns:
        spec = rubric.column(name) if name in known else None
        col = F.col(f"`{name}`")
        if spec is None or spec.treatment == "keep":
            exprs.append(col)
        elif spec.treatment == "hour":
            exprs.append(F.date_trunc("hour", F.to_timestamp(col)).cast("string").alias(name))
        elif spec.treatment in udfs:
            exprs.append(udfs[spec.treatment](col).alias(name))
        # anything else (free text, age) is not in the reference kit's schema: dropped
    return df.select(*exprs)
