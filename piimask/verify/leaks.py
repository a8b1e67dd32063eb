"""The leak scan: no raw direct or quasi value appears anywhere in the output.

Every output cell is compared whole with the raw values (trimmed, lower case); free-text cells
are also searched for them inside the text, by a broadcast substring join when the work is
within ``substring_budget``, else by word n-grams (``ngrams``). It is one dataset check
(``scope.Check``) that declares one finding, counted with the other join checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from piimask.expr.text import fold_text
from piimask.verify import ngrams
from piimask.verify.backend import Finding, cells
from piimask.verify.passes import NEEDLES
from piimask.verify.reasons import Reason
from piimask.verify.scope import Scope

__all__ = ["MIN_LEAK_CHARS", "leaks"]

MIN_LEAK_CHARS = 6  # raw identifier values this long are searched for anywhere in the output


def _needles(s: Scope) -> tuple[DataFrame, bool]:
    """(src, key, len): the distinct raw identifier values, trimmed and lower case; kept, and
    broadcast when few: the equality join and the free-text scan both read them."""
    trimmed = F.trim(F.col("value"))
    return s.backend.small(
        s.raw.of_kind(NEEDLES, s.ctx.ident)
        .select(F.col("column").alias("src"), F.lower(trimmed).alias("key"), F.length(trimmed).alias("len"))
        .where(F.col("len") > 0)
        .distinct()
    )


def _equal_cells(s: Scope, needles: DataFrame) -> DataFrame:
    """(column, value, n): the output cells equal to a raw value once trimmed and lower-cased."""
    # A cell can only equal a needle of its own length: the lengths the needles have are few,
    # and filtering on them drops every digest cell before the cells are counted. A cell
    # shorter than MIN_LEAK_CHARS can only match a needle of its own column.
    lengths = sorted(r[0] for r in needles.select(F.length("key")).distinct().collect())
    key = F.lower(F.trim("value"))
    # Before the key is made: trim drops only spaces and lower never shortens, so a cell
    # longer than every needle that neither starts nor ends with a space cannot match, and
    # need not be lower-cased.
    value = F.col("value")
    may_fit = (
        (F.length(value) <= (lengths[-1] if lengths else -1)) | value.startswith(" ") | value.endswith(" ")
    )
    found, few = s.backend.small(
        cells(
            s.ctx.out,
            s.ctx.out_columns,
            where=may_fit
            & F.length(key).isin(lengths)
            & ((F.length(key) >= MIN_LEAK_CHARS) | F.col("column").isin(s.ctx.ident)),
        ).withColumn("key", key)
    )
    same = (found["key"] == needles["key"]) & (
        (needles["len"] >= MIN_LEAK_CHARS) | (found["column"] == needles["src"])
    )
    if few:  # the needles stream past the broadcast cells, unshuffled
        return needles.join(found, same).select(found["column"], found["value"], found["n"]).distinct()
    return found.join(needles, same, "left_semi").select("column", "value", "n")


def _in_text(
    s: Scope, needles: DataFrame, small: bool, texts: list[str], out_rows: int
) -> tuple[DataFrame, str]:
    """(column, value, n): the free-text cells holding a raw value of MIN_LEAK_CHARS or more
    characters; and how they were searched."""
    long_needles = needles.where(F.col("len") >= MIN_LEAK_CHARS)
    # folded (compatibility forms to ASCII, invisible characters out) so that a raw value
    # written with look-alike characters is still found
    text_cells = cells(s.ctx.out, texts).withColumn("text", F.lower(fold_text(F.col("value"))))
    # an upper bound of the work without a counting job: every raw cell a needle
    max_needles = s.raw.rows * len(s.ctx.ident)
    if max_needles * out_rows * len(texts) <= s.ctx.substring_budget:
        needle = long_needles.select(F.col("key").alias("needle")).distinct()
        found = text_cells.join(F.broadcast(needle), F.col("text").contains(F.col("needle")), "left_semi")
        return found.select("column", "value", "n"), "substring (broadcast contains join)"
    mode = "word n-gram equality join"
    keys = ["column", "value", "n"]
    grams = long_needles.select(ngrams.normalized_words(F.col("key")).alias("gram")).where(
        F.length("gram") > 0
    )
    words, runs = ngrams.words(text_cells, keys), None
    if not small:  # kept: counted here, and read twice by the shuffled join
        words = s.backend.keep(words)
        runs = ngrams.text_runs(words, keys, s.ctx.text_broadcast_rows)
    if runs is not None:  # few texts, many needles: the needles stream past the runs
        runs = s.backend.keep(runs)
        return grams.join(F.broadcast(runs), on="gram").select(*keys), mode + " (text word runs broadcast)"
    return ngrams.gram_matches(words, s.backend.keep(grams.distinct()), small, keys), mode


def leaks(s: Scope) -> Iterator[Finding]:
    """Whole-cell equality join for every column; substring scan for free-text columns."""
    ident, rubric = s.ctx.ident, s.ctx.rubric
    if not ident:
        return
    needles, small = _needles(s)
    found = _equal_cells(s, needles)
    out_cols = s.ctx.out_columns
    texts = [c for c in out_cols if c in rubric.names and rubric.column(c).treatment == "redact"]
    mode = "no free-text column"
    if texts:
        in_text, mode = _in_text(s, needles, small, texts, s.output.rows)
        found = found.unionByName(in_text).distinct()  # a cell found both ways is counted once
    sources = ", ".join(ident)
    yield Finding(
        Reason.RAW_VALUE_LEAK,
        "no raw identifier value",
        out_cols,
        lambda c, n: (
            f"{n} row(s) of {c} hold a raw value of a direct/quasi column "
            f"({sources}); free text scanned by {mode}."
        ),
        found,
    )
