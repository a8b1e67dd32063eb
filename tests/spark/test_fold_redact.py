"""Issue 25: the engine finds spans on the folded text and replaces them in the original, which is
kept as written outside the spans. Folding the result gives exactly the redacted fold (what the
job published before, and what verify checks), and a note the fold does not change comes out as
it did before, byte for byte."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("hypothesis")  # in the dev extra; skipped where not installed
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from piimask.expr.text import fold_python, fold_text  # noqa: E402
from piimask.tools.generate import generate  # noqa: E402
from piimask.treatments.freetext import engine  # noqa: E402

CONFIG = engine.engine_config()


def _both(spark, texts: list[str | None]) -> list[tuple[str | None, str | None]]:
    """(redact_original, redact of the fold) per text, in order."""
    df = spark.createDataFrame(list(enumerate(texts)), "i int, t string")
    rows = df.select(
        "i",
        engine.redact_original(F.col("t"), fold_text("t"), CONFIG).alias("kept"),
        engine.redact(fold_text("t"), CONFIG).alias("folded"),
    ).collect()
    got = {r.i: (r.kept, r.folded) for r in rows}
    return [got[i] for i in range(len(texts))]


def test_spans_replaced_in_the_original_and_the_rest_kept(spark):
    texts = [
        "Ｔｏｏｌ　ｏｋ, call (５０３) ５５５-０１９９ at the café",
        "mail op1.per\u200bson@exam\u2060ple.com now",
        "mail ｏｐ１．ｐｅｒｓｏｎ＠ｅｘａｍｐｌｅ．ｃｏｍ, ｏｋ",
        "all good\U000e0041\U000e0042 here",  # tag characters: hidden text, dropped like in the fold
        None,
    ]
    kept = [k for k, _ in _both(spark, texts)]
    assert kept == [
        "Ｔｏｏｌ　ｏｋ, call [PHONE] at the café",
        "mail [EMAIL] now",
        "mail [EMAIL], ｏｋ",
        "all good here",
        None,
    ]


def test_generated_notes_are_unchanged_and_their_look_alike_twins_fold_back(spark):
    notes = [r[0] for r in generate(spark, 300, seed=3).select("operator_notes").collect() if r[0]]
    # the same notes with every ASCII letter and digit written full width (U+FF01..U+FF5E)
    wide = [n.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) for n in notes]
    pairs = _both(spark, notes + wide)
    plain, twins = pairs[: len(notes)], pairs[len(notes) :]
    changed = [(n, k, f) for n, (k, f) in zip(notes, plain, strict=True) if fold_python(n) == n and k != f]
    assert not changed, changed[:3]  # an ordinary note: byte for byte what the job wrote before
    for (kept, folded), (_, plain_folded) in zip(twins, plain, strict=True):
        assert fold_python(kept) == folded == plain_folded  # verify reads exactly what it read before
        # mapped, not fallen back to the fold: outside the placeholders the text stays full width
        assert not re.search(r"[A-Za-z0-9]", re.sub(r"\[[A-Z]+\]", "", kept)), kept


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "call (503) 555-0199",
                    "(５０３) ５５５-０１９９",
                    "op1.per\u200bson@example.com",
                    "ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ",
                    "Jennifer Walsh",
                    "Ｔｏｏｌ　ｏｋ",
                    "café",
                    "\u200b",
                    "\U000e0041",
                    "𝐨𝐤",
                    " ",
                    ", ",
                ]
            ),
            max_size=8,
        ).map("".join),
        min_size=150,
        max_size=150,
    )
)
def test_folding_the_output_gives_the_redacted_fold(spark, texts):
    for text, (kept, folded) in zip(texts, _both(spark, texts), strict=True):
        assert fold_python(kept) == folded, text
