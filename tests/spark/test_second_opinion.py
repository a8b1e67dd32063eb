"""verify's second opinion on free text: its own email and phone patterns, on the folded text,
fire on what a broken detector would leave and stay silent on what redaction leaves."""

from __future__ import annotations

from pyspark.sql import functions as F
from pyspark.sql.types import StringType
from rubric_variants import DEFAULT

from piimask.rubric import load_rubric
from piimask.verify.rows import SECOND_OPINION, row_checks, second_opinion

LEFT_BY_A_BUG = [
    "write to jane.doe@example.com today",
    "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "call (503) 555-0142 after 5",
    "call 503.555.0142",
    "ring +49 30 1234 5678",
    "mail o'brien+tools@sub.example.co.uk",
]
CLEAN = [
    "[PERSON] mailed [EMAIL] at 10:00 on 2026-04-22",
    "torque 42.3 Nm, code E014_OVERTORQUE, serial [SERIAL], battery 87%",
    "site [ADDRESS] at [COORDINATES], -122.681345 +45.521234",
    "meet @ the yard, 3 pm",
    "José Müller checked the chuck",
    "",
]


def test_second_opinion_fires_on_leftovers_and_not_on_redacted_text(spark):
    df = spark.createDataFrame([(t,) for t in LEFT_BY_A_BUG + CLEAN], "t string")
    got = [r[0] for r in df.select(second_opinion(F.col("t"), StringType())).collect()]
    assert got == [True] * len(LEFT_BY_A_BUG) + [False] * len(CLEAN)


def test_every_redact_column_gets_the_second_opinion():
    rubric = load_rubric(DEFAULT)
    checks = row_checks(rubric, set(rubric.names))
    redacted = {c.name for c in rubric.columns if c.treatment == "redact"}
    assert redacted and {c.column for c in checks if c.reason == SECOND_OPINION} == redacted
