"""`keep` needs a reviewer when a behavioral column looks personal.

Before anything is written, a small ``limit``-ed sample of the input's behavioral (kept) columns
is scanned in one native aggregation with the kit's detectors (emails, phones, MACs, person
names). A column whose sample looks like PII stops the run unless its rubric entry carries
``reviewed_by:`` and ``reason:``. The sample never leaves Spark: only counts reach the driver, and
the message names columns and kinds of data, never a value.

A sample cannot see one email in row 201, so the kinds that count from a single hit (emails and
MACs) are also counted over every valid row, inside the run's existing observation (no extra pass
over the input): ``full_scan`` declares the counts, ``check_full_scan`` refuses before anything is
published. A cheap necessary condition (an ``@``, a separator) guards each pattern.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from piimask.errors import Refused
from piimask.expr.text import fold_text
from piimask.rubric import Rubric
from piimask.treatments.freetext.detectors import BY_NAME, pattern_of

__all__ = ["SAMPLE_ROWS", "check_full_scan", "check_reviewed", "full_scan", "personal_looking"]

SAMPLE_ROWS = 200
FULL_SCAN = ("email", "mac")  # kinds for which one value in the whole column is enough
# A character each kind's matches must hold (an email its "@", a MAC its separators), tested with
# a plain search before any regex: the scan runs on every row of every kept column, whose values
# are mostly short numbers and codes (profile in benchmarks/HISTORY.md, 2026-12-07).
_MUST_HOLD = {"email": ("@",), "mac": (":", "-", ".")}
# The shortest text each kind can match ("a@b.cd"; "0123.4567.89ab"), in bytes, an O(1) test:
# firmware versions and decimals ("2.4.1", "39.8") hold a "." but are too short to be a MAC.
_MIN_BYTES = {"email": 6, "mac": 14}


def _kinds() -> dict[str, tuple[str, float]]:
    """kind -> (Java regex, share of non-empty sampled values that must match; 0 means any one).

    Names use the redaction's own name detector (the Faker-locale dictionary), not "capitalised
    words", which product names such as "Impact Driver" also are."""
    return {
        "email addresses": (BY_NAME["email"].regex(), 0.0),
        "MAC addresses": (BY_NAME["mac"].regex(), 0.0),
        "phone numbers": (BY_NAME["phone"].regex(), 0.5),
        "person names": (pattern_of("person", ""), 0.5),
    }


def personal_looking(df: DataFrame, columns: list[str], limit: int = SAMPLE_ROWS) -> dict[str, list[str]]:
    """column -> kinds of personal data its first ``limit`` rows look like (one Spark job)."""
    if not columns:
        return {}
    sample = df.select(*[F.col(f"`{c}`").cast("string").alias(f"c{i}") for i, c in enumerate(columns)])
    # One (column index, value) row per sampled cell, so each kind's pattern is one expression of
    # the plan, not one per column: the person pattern is a large trie, compiled once per
    # expression and task (benchmarks/HISTORY.md, sixth session).
    cells = F.inline(
        F.array(*[F.struct(F.lit(i).alias("i"), F.col(f"c{i}").alias("v")) for i in range(len(columns))])
    )
    text = F.trim(fold_text(F.col("v")))
    kinds = _kinds()  # renders the person trie: once per call, not once per column
    aggs = [F.sum(F.when(text.isNotNull() & (text != ""), 1).otherwise(0)).alias("n")]
    for j, (pattern, _) in enumerate(kinds.values()):
        aggs.append(
            F.sum(F.when(F.coalesce(text.rlike(pattern), F.lit(False)), 1).otherwise(0)).alias(f"k{j}")
        )
    counted = {row["i"]: row for row in sample.limit(limit).select(cells).groupBy("i").agg(*aggs).collect()}
    found: dict[str, list[str]] = {}
    for i, name in enumerate(columns):
        if i not in counted:  # no sampled row at all
            continue
        present = int(counted[i]["n"] or 0)
        for j, (kind, (_, share)) in enumerate(kinds.items()):
            hits = int(counted[i][f"k{j}"] or 0)
            if hits and hits >= share * present:
                found.setdefault(name, []).append(kind)
    return found


def _unreviewed(rubric: Rubric, columns: list[str]) -> list[str]:
    kept = [c.name for c in rubric.columns if c.treatment == "keep" and c.name in columns]
    return [n for n in kept if not (rubric.column(n).reviewed_by and rubric.column(n).reason)]


def full_scan(rubric: Rubric, columns: list[str], valid: Column) -> list[Column]:
    """Aggregates (``kept_pii_<i>``) counting valid rows whose unreviewed kept column holds an
    email or MAC address, to add to the run's observation."""
    aggs = []
    for i, name in enumerate(_unreviewed(rubric, columns)):
        raw = F.col(f"`{name}`").cast("string")
        text = fold_text(raw)
        hit = F.lit(False)
        for kind in FULL_SCAN:
            detector = BY_NAME[kind]
            holds = F.lit(False)
            for char in _MUST_HOLD[kind]:  # contains tests the first byte before a compare; instr did not
                holds = holds | text.contains(char)
            holds = (F.octet_length(text) >= _MIN_BYTES[kind]) & holds
            hit = hit | (holds & text.rlike(detector.prefilter) & text.rlike(detector.regex()))
        # folding never lengthens a value (each folded character becomes one byte or none), so
        # a value too short before folding is too short after: most kept values, unfolded
        hit = (F.octet_length(raw) >= min(_MIN_BYTES.values())) & hit
        counted = F.when(valid & F.coalesce(hit, F.lit(False)), 1).otherwise(0)
        aggs.append(F.sum(counted).alias(f"kept_pii_{i}"))
    return aggs


def check_full_scan(rubric: Rubric, columns: list[str], observed: dict) -> None:
    """Refuse to publish when the full scan found an email or MAC in an unreviewed kept column."""
    found = [
        f"{name!r} ({observed[f'kept_pii_{i}']} row(s))"
        for i, name in enumerate(_unreviewed(rubric, columns))
        if observed.get(f"kept_pii_{i}")
    ]
    if found:
        raise Refused(
            "behavioral column(s) kept unchanged hold email or MAC addresses: "
            + "; ".join(found)
            + ". Nothing was published. Re-bucket the column (direct, quasi or sensitive), or, if a "
            "reviewer confirmed it is not personal data, add `reviewed_by:` and `reason:` to its "
            "rubric entry and re-run."
        )


def check_reviewed(df: DataFrame, rubric: Rubric, limit: int = SAMPLE_ROWS) -> None:
    """Stop (exit 1) when an unreviewed behavioral column's sample looks like personal data."""
    kept = [c.name for c in rubric.columns if c.treatment == "keep" and c.name in df.columns]
    if not kept:
        return
    unreviewed = []
    for name, kinds in personal_looking(df, kept, limit).items():
        spec = rubric.column(name)
        if not (spec.reviewed_by and spec.reason):
            unreviewed.append(f"{name!r} (sampled values look like {' and '.join(kinds)})")
    if unreviewed:
        raise Refused(
            "behavioral column(s) kept unchanged look personal: "
            + "; ".join(unreviewed)
            + ". Nothing was written. Re-bucket the column (direct, quasi or sensitive), or, if a "
            "reviewer confirmed it is not personal data, add `reviewed_by:` and `reason:` to its "
            "rubric entry and re-run."
        )
