"""The ``patterns`` backend of the redact treatment: this row's identifier values, then the
Spark-native detectors, each replaced by its typed placeholder, as native Column expressions (no
UDF, no jar). The default backend is the JVM engine (``freetext.engine``); these detectors stay as
the backend of choice where the jar cannot be loaded and as verify's independent second opinion."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from piimask.treatments.freetext.detectors import (
    PLACEHOLDERS,
    apply_detector,
    identifier_pattern,
    prefilter,
    redact_patterns,
)

__all__ = ["identifier_detector", "redact_frame", "redact_text"]

_IDENTIFIER_KINDS = (
    ("name", "person"),
    ("email", "email"),
    ("phone", "phone"),
    ("serial", "serial"),
    ("mac", "mac"),
)


def identifier_detector(column_name: str) -> str:
    """Which detector's placeholder stands for a raw identifier column: operator_name -> person."""
    lowered = column_name.lower()
    for needle, detector in _IDENTIFIER_KINDS:
        if needle in lowered:
            return detector
    return "identifiers"


def _placeholder(detector: str, placeholders: Mapping[str, str] | None) -> str:
    return (placeholders or {}).get(detector, PLACEHOLDERS[detector])


NEVER = "(?!)"  # a pattern that matches nothing: the rows where an identifier is absent


def _contained_in(lowered: Column):
    return lambda word: lowered.contains(F.lower(word))


def _own_identifiers(
    text: Column,
    original: Column,
    identifiers: Sequence[tuple[str, Column]],
    placeholders: Mapping[str, str] | None,
    name_parts: bool,
) -> Column:
    """This row's identifier values (whole values; with ``name_parts``, each 3+ letter word of a
    name column instead). A row whose ``original`` text does not contain the value (a cheap
    case-insensitive substring test) gets a pattern that matches nothing, so no per-row regex
    is compiled for it; ``text`` appears once per step, keeping the expression tree linear."""
    lowered = F.lower(original)
    if not name_parts:  # every value as written first, then every value in another case
        for name, raw in identifiers:
            value = F.trim(raw.cast("string"))
            usable = value.isNotNull() & (F.length(value) >= 3)
            ph = F.lit(_placeholder(identifier_detector(name), placeholders))
            text = F.replace(text, F.when(usable, value).otherwise(F.lit("")), ph)  # "": no-op
    for name, raw in identifiers:
        value = F.trim(raw.cast("string"))
        kind = identifier_detector(name)
        placeholder = F.lit(_placeholder(kind, placeholders))
        if not name_parts:
            usable = value.isNotNull() & (F.length(value) >= 3) & lowered.contains(F.lower(value))
            text = F.regexp_replace(
                text, F.when(usable, identifier_pattern(value)).otherwise(NEVER), placeholder
            )
        elif kind == "person":  # each part of a name (3+ letters), as a whole word
            parts = F.filter(F.split(F.coalesce(value, F.lit("")), r"\s+"), lambda w: F.length(w) >= 3)
            escaped = F.transform(parts, lambda w: F.regexp_replace(w, r"([^\p{L}\p{N}])", r"\\$1"))
            words = F.concat(
                F.lit(r"(?iu)(?<![\p{L}\p{N}])(?:"),
                F.array_join(escaped, "|"),
                F.lit(r")(?![\p{L}\p{N}])"),
            )
            present = F.exists(parts, _contained_in(lowered))
            text = F.regexp_replace(text, F.when(present, words).otherwise(NEVER), placeholder)
    return text


def redact_text(
    text: Column,
    detectors: Sequence[str],
    serial_pattern: str,
    placeholders: Mapping[str, str] | None = None,
    identifiers: Sequence[tuple[str, Column]] = (),
) -> Column:
    """``text`` with this row's ``identifiers`` (name, raw column) and every chosen detector's
    finds replaced by typed placeholders (``placeholders`` overrides the defaults per detector).

    Order: whole identifier values, the detectors, then the parts of this row's names (after the
    name dictionary, so "Paul" of this row's "Gabrielle Paul" cannot split another "Paul Murphy")."""
    text = original = text.cast("string")
    own = "identifiers" in detectors
    if own:
        text = _own_identifiers(text, original, identifiers, placeholders, name_parts=False)
    for name, pattern, placeholder in redact_patterns(tuple(detectors), serial_pattern, placeholders):
        text = apply_detector(text, name, pattern, placeholder)
    if own:
        text = _own_identifiers(text, original, identifiers, placeholders, name_parts=True)
    return text


_WORD_BEFORE, _WORD_AFTER = r"(?iu)(?<![\p{L}\p{N}])", r"(?![\p{L}\p{N}])"
NAME_PARTS = 4  # words of a name column tried one by one (first, middle, last, ...)


Guard = Callable[[Column], Column | None]
Step = tuple[Guard, Callable[[Column], Column]]


@dataclass(frozen=True)
class Block:
    """Steps whose guards all test the lower-cased text for a row value. ``needles`` are those
    values (lower-cased, null when unusable); the text is lower-cased once at the block's start,
    and when it contains none of them every step's guard is false in turn (no step changes the
    text), so the block is skipped. Otherwise a step runs, with its own guard, only where that
    copy holds its own needle. The one text this skips is a needle that appeared only when an
    earlier step of the block wrote a placeholder: the placeholder's letters, not a raw value."""

    needles: tuple[Column, ...]
    steps: tuple[Step, ...]


def _contains_lower(t: Column, needle: Column) -> Column:
    return F.lower(t).contains(needle)


def _steps(
    detectors: Sequence[str],
    serial_pattern: str,
    placeholders: Mapping[str, str] | None,
    identifiers: Sequence[tuple[str, Column]],
) -> list[Step | Block]:
    """(guard, step) pairs and blocks in redact_text's order; a guard is a cheap necessary
    condition."""
    steps: list[Step | Block] = []
    own = "identifiers" in detectors
    if own:
        values = []
        for name, raw in identifiers:
            value = F.trim(raw.cast("string"))
            usable = value.isNotNull() & (F.length(value) >= 3)
            ph = F.lit(_placeholder(identifier_detector(name), placeholders))
            values.append((value, usable, ph))
            # the value as written: a plain string replace, no regex compiled for this row
            steps.append(
                (
                    lambda t, v=value, u=usable: u & t.contains(v),
                    lambda t, v=value, ph=ph: F.replace(t, v, ph),
                )
            )
        # then another case of it: the row's own case-insensitive pattern (which also lets runs
        # of white space vary, but this guard asks for the value's own spacing: a name spaced
        # differently is left to the name-part steps below, a phone to the phone detector)
        needles = tuple(F.when(u, F.lower(v)) for v, u, _ in values)
        other_case = [
            (
                lambda t, n=n: _contains_lower(t, n),
                lambda t, v=v, ph=ph: F.regexp_replace(t, identifier_pattern(v), ph),
            )
            for n, (v, _, ph) in zip(needles, values, strict=True)
        ]
        steps.append(Block(needles, tuple(other_case)))
    for name, pattern, placeholder in redact_patterns(tuple(detectors), serial_pattern, placeholders):
        steps.append(
            (
                lambda t, n=name: prefilter(t, n),
                lambda t, n=name, p=pattern, ph=placeholder: apply_detector(t, n, p, ph),
            )
        )
    if own:
        needles, parts = [], []
        for name, raw in identifiers:
            if identifier_detector(name) != "person":
                continue
            ph = F.lit(_placeholder("person", placeholders))
            words = F.split(F.trim(raw.cast("string")), r"\s+")
            for i in range(NAME_PARTS):
                part = F.get(words, i)
                needle = F.when(F.length(part) >= 3, F.lower(part))
                escaped = F.regexp_replace(part, r"([^\p{L}\p{N}])", r"\\$1")
                needles.append(needle)
                parts.append(
                    (
                        lambda t, n=needle: _contains_lower(t, n),
                        lambda t, e=escaped, ph=ph: F.regexp_replace(
                            t, F.concat(F.lit(_WORD_BEFORE), e, F.lit(_WORD_AFTER)), ph
                        ),
                    )
                )
        if parts:
            steps.append(Block(tuple(needles), tuple(parts)))
    return steps


def redact_frame(
    df: DataFrame,
    source: Column,
    target: str,
    detectors: Sequence[str],
    serial_pattern: str,
    placeholders: Mapping[str, str] | None = None,
    identifiers: Sequence[tuple[str, Column]] = (),
) -> DataFrame:
    """``df`` plus column ``target``: ``source`` redacted like redact_text, but fast.

    Each step is its own projection, run only when its guard (a cheap necessary condition:
    an '@' for emails, the identifier's value as a substring...) holds, so a note pays for the
    expensive patterns only where they can match and a per-row identifier pattern is compiled
    only when that value occurs. Separate projections keep the plan linear: Spark does not
    collapse a projection whose expensive output is referenced twice, and whole-stage codegen
    still runs them in one pass. A Block's steps share one lower-cased copy of the text (see
    Block): the guards of 12 case-insensitive steps lower-cased each note 12 times.
    """
    current = f"{target}__0"
    df = df.withColumn(current, source.cast("string"))
    temps = [current]
    for entry in _steps(detectors, serial_pattern, placeholders, identifiers):
        steps, gates = [entry], [None]
        if isinstance(entry, Block):
            lowered = f"{current}_lower"
            # whether the block's lowered copy holds each needle: one column each, tested once
            # a row and read by that needle's step
            found = [f"{current}_holds_{i}" for i in range(len(entry.needles))]
            holds = {
                f: F.coalesce(F.col(lowered).contains(n), F.lit(False))
                for f, n in zip(found, entry.needles, strict=True)
            }
            df = df.withColumn(lowered, F.lower(F.col(current))).withColumns(holds)
            temps += [lowered, *found]
            # a step runs only where the block's lowered copy holds its own needle, before its
            # guard lower-cases the current text again (a gate on any needle of the block let
            # every step lower-case the note once more as soon as one of them occurred)
            steps, gates = list(entry.steps), [F.col(f) for f in found]
        for (guard, step), gate in zip(steps, gates, strict=True):
            t = F.col(current)
            g = guard(t)
            if gate is not None:
                g = gate if g is None else gate & g
            nxt = f"{target}__{len(temps)}"
            df = df.withColumn(nxt, step(t) if g is None else F.when(g, step(t)).otherwise(t))
            temps.append(nxt)
            current = nxt
    # A barrier: the optimizer pushes a filter on ``target`` through deterministic projections by
    # substituting each step's expression, which references the one before it up to three times
    # (exponential growth: a filter on redacted text ran out of memory). A nondeterministic
    # expression (the partition id, never negative, so the value is unchanged) stops that.
    barrier = F.when(F.spark_partition_id() >= 0, F.col(current))
    return codegen_split(df.withColumn(target, barrier).drop(*temps))


def codegen_split(df: DataFrame) -> DataFrame:
    """``df`` unchanged, but planned as two whole-stage-codegen stages (below and above here).

    The guarded chain plus the other columns' treatments made one generated ``processNext`` too
    large for HotSpot's C2 to optimise (a flight recording showed much of the time inside that
    method). A generator without code generation (json_tuple of a null literal, which yields
    exactly one row of nulls per input row; its column is dropped at once) ends the stage.
    """
    name = "__codegen_split"
    return df.select("*", F.json_tuple(F.lit(None).cast("string"), name).alias(name)).drop(name)
