"""redact: free text with its personal data replaced by typed placeholders.

Three backends, chosen per column by ``params.backend``:

* ``engine`` (the default): the JVM free-text engine (``freetext.engine``: one tokenising pass,
  lexicon lookups, libphonenumber) as a Java UDF; no Python runs per row.
* ``cascade``: the engine, then a named-entity model (``freetext.cascade``, spaCy in a pandas UDF,
  one model per worker) on the notes the engine marks undecided.
* ``patterns``: the older Spark-native regex chain (``freetext.redaction``), which needs no jar.

The row's own identifier values are redacted wherever they appear in every backend.

Detectors read the text folded (``expr.text.fold_text``: look-alikes to ASCII, invisible
characters out). The engine and cascade backends replace the spans found there in the original
text and keep its other visible characters as written (full-width, accented); the patterns
backend, a chain of native regex replacements with no span to map back, publishes the fold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from pyspark.sql import Column, DataFrame

from piimask.expr.text import fold_text
from piimask.treatments.base import (
    ColumnSpec,
    DataBrewKeys,
    Invariant,
    Param,
    ParamError,
    RowContext,
    Treatment,
    bad,
)
from piimask.treatments.databrew import step
from piimask.treatments.freetext import cascade, engine
from piimask.treatments.freetext.detectors import DETECTOR_NAMES, any_detected, redact_patterns
from piimask.treatments.freetext.engine import config_from_params
from piimask.treatments.freetext.redaction import redact_frame, redact_text

__all__ = [
    "DEFAULT_SERIAL_PATTERN",
    "REDACTED",
    "REDACT_BACKENDS",
    "TREATMENT",
    "engine_config_of",
    "prepare_redaction",
]

DEFAULT_SERIAL_PATTERN = r"\b[A-Z]{2,4}\d{8,12}\b"
REDACT_BACKENDS = ("engine", "cascade", "patterns")
REDACTED = "__redacted__"  # prefix of the column prepare_redaction adds per redact column
_PLACEHOLDER = re.compile(r"^[A-Za-z_ <>\[\](){}*#-]{1,40}$")  # no digit, @, $ or \: never re-detected


def _normalize(params: dict, column: str) -> dict:
    detectors = params["detectors"] if params["detectors"] is not None else list(DETECTOR_NAMES)
    for d in detectors:
        if d not in DETECTOR_NAMES:
            raise ParamError("detectors", "a list drawn from " + ", ".join(DETECTOR_NAMES), d)
    params["detectors"] = tuple(detectors)
    pattern = params["serial_pattern"] or DEFAULT_SERIAL_PATTERN
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ParamError("serial_pattern", "a valid regular expression", str(exc)) from None
    params["serial_pattern"] = pattern
    if params["identifiers"] is not None:
        params["identifiers"] = tuple(params["identifiers"])
    placeholders = params["placeholders"] or {}
    for d, text in placeholders.items():
        if d not in DETECTOR_NAMES:
            raise ParamError("placeholders", "keyed by detectors from " + ", ".join(DETECTOR_NAMES), d)
        if not isinstance(text, str) or not _PLACEHOLDER.match(text):
            raise ParamError(
                f"placeholders.{d}",
                "1-40 letters, spaces or []<>(){}_*#- (no digit, @, $ or backslash)",
                text,
            )
    params["placeholders"] = MappingProxyType(dict(placeholders))
    if params["backend"] not in REDACT_BACKENDS:
        raise ParamError("backend", "one of " + ", ".join(REDACT_BACKENDS), params["backend"])
    regions = params["phone_regions"]
    if regions is not None:
        bad_regions = [r for r in regions if not (isinstance(r, str) and len(r) == 2 and r.isalpha())]
        if bad_regions:
            raise ParamError(
                "phone_regions", "ISO 3166 two-letter region codes (US, DE, JP...)", bad_regions[0]
            )
        params["phone_regions"] = tuple(r.upper() for r in regions)
    return params


def engine_config_of(params: Mapping) -> str:
    """The free-text engine's config for a redact column's params."""
    return config_from_params(params, params.get("phone_regions"))


def _references(params: Mapping, column: str, names: set[str]) -> None:
    for ident in params["identifiers"] or ():
        if ident not in names:
            raise ParamError("identifiers", "names of rubric columns", ident)


def _identifiers(spec: ColumnSpec, ctx: RowContext) -> list[tuple[str, Column]]:
    wanted = spec.params["identifiers"]
    return [
        (i.name, fold_text(ctx.raw(i.name))) for i in ctx.identifiers if wanted is None or i.name in wanted
    ]


def prepare_redaction(df: DataFrame, specs: Sequence, ctx: RowContext) -> DataFrame:
    """Add the redacted text of each pattern-backed redact column as its own column (see
    ``freetext.redaction.redact_frame``: guarded steps in separate projections); the
    expression then reads it."""
    for spec in specs:
        params = spec.params
        if spec.treatment != "redact" or params.get("backend") != "patterns" or spec.name not in ctx.dtypes:
            continue
        df = redact_frame(
            df,
            fold_text(ctx.raw(spec.name)),  # look-alikes folded before any detector (expr.text)
            REDACTED + spec.name,
            params["detectors"],
            params["serial_pattern"],
            params.get("placeholders"),
            _identifiers(spec, ctx),
        )
    return df


def _expression(col: Column, spec: ColumnSpec, ctx: RowContext) -> Column:
    params = spec.params
    text = fold_text(col)  # look-alike characters folded before any detector (expr.text)
    if params["backend"] != "patterns":
        idents = [raw for _, raw in _identifiers(spec, ctx)]
        config = engine_config_of(params)
        # spans found on the fold, replaced in the original text (kept as written elsewhere)
        redacted = engine.redact_original(col, text, config, idents)
        if params["backend"] == "cascade":
            # the model reads the fold too (the redacted fold, unchanged for most notes); a note
            # it reads is published as the model returns it, folded
            redacted = cascade.redact_undecided(
                text, redacted, config, params.get("placeholders"), model_input=fold_text(redacted)
            )
        return redacted
    if REDACTED + spec.name in ctx.dtypes:
        return ctx.raw(REDACTED + spec.name)
    placeholders = params.get("placeholders")
    return redact_text(
        text, params["detectors"], params["serial_pattern"], placeholders, _identifiers(spec, ctx)
    )


def _invariant(params: Mapping) -> Invariant:
    if params["backend"] == "patterns":
        dets, serial = params["detectors"], params["serial_pattern"]
        return Invariant("no detector fires", lambda c, d: bad(c, ~any_detected(fold_text(c), dets, serial)))
    config = engine_config_of(params)
    return Invariant(
        "the free-text engine finds nothing",
        lambda c, d: bad(c, engine.pii_count(fold_text(c), config) == 0),
    )


def _databrew(spec: ColumnSpec, keys: DataBrewKeys) -> list[dict]:
    steps = []
    p = spec.params
    for name, pattern, placeholder in redact_patterns(
        p["detectors"], p["serial_pattern"], p.get("placeholders")
    ):
        # DataBrew has no Luhn check (its card step redacts every 13-19 digit run) and no room for
        # the name dictionary (a parameter holds at most a few KB): names stay with the Glue job
        if name != "person":
            steps.append(step("REPLACE_TEXT", sourceColumn=spec.name, pattern=pattern, value=placeholder))
    return steps


TREATMENT = Treatment(
    name="redact",
    buckets=("sensitive",),
    expression=_expression,
    words=lambda p, rotation: (
        f"redacted: {', '.join(p.get('detectors') or ())} replaced by typed placeholders"
    ),
    databrew=_databrew,
    params=(
        Param("detectors", list),
        Param("serial_pattern", str),
        Param("identifiers", list),
        Param("placeholders", dict),
        Param("backend", str, "engine"),
        Param("phone_regions", list),
    ),
    normalize=_normalize,
    references=_references,
    reason="free_text_pii",
    meaning="a redaction detector still finds PII in free text",
    invariant=_invariant,
)
