"""redact: free text with its personal data replaced by typed placeholders.

The row's own identifier values go first, then the detectors of ``freetext.detectors`` in their
fixed order (see ``freetext.redaction``). The expression is native Spark; the optional NER
backend runs Presidio in a pandas UDF before the detectors.
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
from piimask.treatments.freetext.detectors import DETECTOR_NAMES, any_detected, redact_patterns
from piimask.treatments.freetext.redaction import redact_frame, redact_text

__all__ = ["DEFAULT_SERIAL_PATTERN", "REDACTED", "REDACT_BACKENDS", "TREATMENT", "prepare_redaction"]

DEFAULT_SERIAL_PATTERN = r"\b[A-Z]{2,4}\d{8,12}\b"
REDACT_BACKENDS = ("patterns", "ner")  # ner: Presidio + spaCy, the optional [ner] extra
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
    return params


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
        if spec.treatment != "redact" or params.get("backend") == "ner" or spec.name not in ctx.dtypes:
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
    if REDACTED + spec.name in ctx.dtypes:
        return ctx.raw(REDACTED + spec.name)
    params = spec.params
    text = fold_text(col)  # look-alike characters folded before any detector (expr.text)
    if params.get("backend") == "ner":  # opt-in: Presidio + spaCy in a pandas UDF (the [ner] extra)
        from piimask.treatments.freetext.ner import ner_redact

        text = ner_redact(text, params.get("placeholders"))
    placeholders = params.get("placeholders")
    return redact_text(
        text, params["detectors"], params["serial_pattern"], placeholders, _identifiers(spec, ctx)
    )


def _invariant(params: Mapping) -> Invariant:
    dets, serial = params["detectors"], params["serial_pattern"]
    return Invariant(
        "no detector fires",
        lambda c, d: bad(c, ~any_detected(fold_text(c), dets, serial)),
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
        Param("backend", str, "patterns"),
    ),
    normalize=_normalize,
    references=_references,
    reason="free_text_pii",
    meaning="a redaction detector still finds PII in free text",
    invariant=_invariant,
)
