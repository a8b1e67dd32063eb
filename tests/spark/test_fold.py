"""The native folding (``expr.text.fold_text``) equals its Python twin on random Unicode text,
astral characters (mathematical letters) and invisible characters included: one Spark job for
all the examples hypothesis draws."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")  # in the dev extra; skipped where not installed
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from piimask.expr.text import fold_python, fold_text  # noqa: E402

TRICKS = [
    "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "jo\u200bhn@exa\u2060mple.com",
    "𝐣𝐨𝐡𝐧@𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦",
    "(５０３) ５５５-０１４２",
    "Ⓙⓞⓗⓝ Smith\u00ad",
    "plain ascii",
    "José Müller",
    None,
]


def test_fold_text_matches_python_on_attack_strings(spark):
    got = [
        r[0]
        for r in spark.createDataFrame([(t,) for t in TRICKS], "t string").select(fold_text("t")).collect()
    ]
    assert got == [None if t is None else fold_python(t) for t in TRICKS]
    assert got[0] == got[1] == got[2] == "john@example.com" and got[3] == "(503) 555-0142"


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(max_size=40), min_size=200, max_size=200))
def test_fold_text_matches_python_on_random_unicode(spark, texts):
    from pyspark.sql import functions as F

    df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "i int, t string")
    got = dict(df.select("i", fold_text(F.col("t"))).collect())
    assert [got[i] for i in range(len(texts))] == [fold_python(t) for t in texts]
