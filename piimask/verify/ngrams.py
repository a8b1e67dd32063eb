"""Word n-grams for the leak scan: find raw values as runs of whole words in free-text cells.

A text and a raw value are compared as normalized words (lower case, every run of characters
that are neither letters nor digits one space), so "Alex  Nguyen," in a note matches the raw
name "alex nguyen". Raw values of up to ``MAX_NGRAM_WORDS`` words are found.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

__all__ = ["MAX_NGRAM_WORDS", "gram_matches", "normalized_words", "text_runs", "words"]

MAX_NGRAM_WORDS = 12


def normalized_words(text: Column) -> Column:
    return F.trim(F.regexp_replace(F.lower(text), r"[^\p{L}\p{N}]+", " "))


def words(text_cells: DataFrame, keys: list[str]) -> DataFrame:
    """(``keys``, words): each text cell's (column ``text``) normalized words."""
    return text_cells.select(*keys, F.split(normalized_words(F.col("text")), " ").alias("words"))


def _runs() -> Column:
    """The distinct runs of 1..MAX_NGRAM_WORDS of ``words`` starting at ``pos``, one per row."""
    runs = F.transform(
        F.sequence(F.lit(1), F.lit(MAX_NGRAM_WORDS)),
        lambda k: F.array_join(F.slice(F.col("words"), F.col("pos") + 1, k), " "),
    )
    return F.explode(F.array_distinct(runs))


def gram_matches(texts: DataFrame, grams: DataFrame, broadcast: bool, keys: list[str]) -> DataFrame:
    """The ``keys`` of the ``texts`` (from ``words``) holding one of ``grams`` (normalized word
    sequences of at most MAX_NGRAM_WORDS words) as a run of whole words: a cell once per matching
    position, so the caller deduplicates.

    Every word of a text is looked up among the grams' first words, and only at the positions
    where one starts are the word runs of 1..MAX_NGRAM_WORDS words built and looked up among
    the grams: exploding every run of every text, up to 12 per word, made the leak scan a large
    share of verify's time.
    With ``broadcast`` (``grams`` is small) both look-ups are broadcast joins and the words ride
    along; otherwise the starts are shuffled and joined back to their texts.
    """
    firsts = grams.select(F.split(F.col("gram"), " ").getItem(0).alias("word")).distinct()
    kept = ["words"] if broadcast else []
    starts = texts.select(*keys, *kept, F.posexplode("words").alias("pos", "word")).join(
        F.broadcast(firsts) if broadcast else firsts, on="word", how="left_semi"
    )
    if not broadcast:
        starts = starts.select(*keys, "pos").join(texts, on=keys)
    candidates = starts.select(*keys, _runs().alias("gram"))
    return candidates.join(F.broadcast(grams) if broadcast else grams, on="gram", how="left_semi").select(
        *keys
    )


def text_runs(texts: DataFrame, keys: list[str], limit: int) -> DataFrame | None:
    """Every run of 1..MAX_NGRAM_WORDS words of every text cell (``keys``, gram; ``texts`` from
    ``words``), if there are at most ``limit`` of them; else None.

    Redacted notes repeat: a few distinct texts face millions of distinct raw values.
    Broadcasting the texts' runs lets the raw values stream past them, where ``gram_matches``
    shuffles them twice (their first words, then the values). The bound is checked on the
    texts' word count, before any run is built (one job).
    """
    n_cells, n_words = texts.agg(F.count(F.lit(1)), F.sum(F.size("words"))).first()
    if n_cells > limit or (n_words or 0) * MAX_NGRAM_WORDS > limit:
        return None
    starts = texts.select(*keys, "words", F.posexplode("words").alias("pos", "word"))
    return starts.select(*keys, _runs().alias("gram"))
