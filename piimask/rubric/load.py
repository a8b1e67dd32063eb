"""rubric.yaml -> the typed model (``rubric.model``), validated once before Spark starts.

Treatment names, their buckets and parameters come from the treatment registry
(``piimask.treatments``); every error names the column, parameter, what was expected and what
was found (never a data value: the rubric holds none).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from piimask.errors import Refused, UsageError
from piimask.rubric.model import (
    BUCKETS,
    DEFAULT_QUARANTINE_MAX_SHARE,
    PRIVACY_ACTIONS,
    Column,
    Privacy,
    Retention,
    Rubric,
    Validation,
)
from piimask.treatments import DEFAULT_TREATMENT, TREATMENTS, ParamError

__all__ = ["RubricError", "RubricFileError", "load_rubric", "parse_rubric"]

ROTATIONS = ("quarterly", "monthly", "yearly")
VALIDATION_TYPES = ("string", "timestamp", "latitude", "longitude", "email", "integer", "number")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RubricError(Refused):
    """The rubric is malformed; the message names the column, parameter, expected and found."""


class RubricFileError(UsageError):
    """The rubric file does not exist or cannot be read (exit 2)."""


def _fail(where: str, what: str, expected: str, found: Any) -> RubricError:
    shown = found if isinstance(found, (int, float, bool)) or found is None else repr(found)[:80]
    return RubricError(f"rubric {where}: {what} must be {expected}; found {shown}.")


def _check_keys(where: str, mapping: Mapping, allowed: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in allowed:
            raise _fail(where, f"key {key!r}", "one of " + ", ".join(allowed), key)


def _parse_validation(where: str, raw: Any) -> Validation:
    if raw is None:
        return Validation()
    if not isinstance(raw, dict):
        raise _fail(where, "'validate'", "a mapping", type(raw).__name__)
    _check_keys(where + " validate", raw, ("type", "required", "min", "max"))
    vtype = raw.get("type", "string")
    if vtype not in VALIDATION_TYPES:
        raise _fail(where, "validate.type", "one of " + ", ".join(VALIDATION_TYPES), vtype)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise _fail(where, "validate.required", "true or false", required)
    bounds = {}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise _fail(where, f"validate.{key}", "a number", value)
        if value is not None and vtype not in ("integer", "number"):
            raise _fail(where, f"validate.{key}", "used only with type integer or number", vtype)
        bounds[key] = value
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise _fail(where, "validate.min", f"<= validate.max ({bounds['max']})", bounds["min"])
    return Validation(type=vtype, required=required, **bounds)


def _parse_params(where: str, treatment: str, raw: Any, name: str) -> dict[str, Any]:
    record = TREATMENTS[treatment]
    raw = raw or {}
    if not isinstance(raw, dict):
        raise _fail(where, "'params'", "a mapping", type(raw).__name__)
    _check_keys(f"{where} params for {treatment}", raw, tuple(p.name for p in record.params) or ("(none)",))
    params: dict[str, Any] = {}
    for spec in record.params:
        value = raw.get(spec.name, spec.default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, spec.types)):
            tname = spec.types.__name__ if isinstance(spec.types, type) else "a number"
            raise _fail(where, f"params.{spec.name}", f"of type {tname}", value)
        params[spec.name] = value
    try:
        return record.normalize(params, name)
    except ParamError as exc:
        raise _fail(where, f"params.{exc.param}", exc.expected, exc.found) from None


def _parse_column(index: int, raw: Any, seen: set[str]) -> Column:
    where = f"columns[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, "each entry", "a mapping with name and bucket", type(raw).__name__)
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(where, "'name'", "an identifier (letters, digits, _)", name)
    where = f"column {name!r}"
    if name in seen:
        raise _fail(where, "'name'", "unique", "a duplicate")
    seen.add(name)
    _check_keys(
        where,
        raw,
        (
            "name",
            "bucket",
            "treatment",
            "params",
            "optional",
            "validate",
            "description",
            "reviewed_by",
            "reason",
        ),
    )
    bucket = raw.get("bucket")
    if bucket not in BUCKETS:
        raise _fail(where, "'bucket'", "one of " + ", ".join(BUCKETS), bucket)
    treatment = raw.get("treatment", DEFAULT_TREATMENT.get(bucket))
    if treatment is None:
        raise _fail(
            where,
            "'treatment'",
            "set for a sensitive column ("
            + ", ".join(n for n, r in TREATMENTS.items() if "sensitive" in r.buckets)
            + ")",
            None,
        )
    if treatment not in TREATMENTS:
        raise _fail(where, "'treatment'", "one of " + ", ".join(TREATMENTS), treatment)
    if bucket not in TREATMENTS[treatment].buckets:
        allowed = [t for t, r in TREATMENTS.items() if bucket in r.buckets]
        raise _fail(where, "'treatment'", f"one of {', '.join(allowed)} for bucket {bucket}", treatment)
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise _fail(where, "'optional'", "true or false", optional)
    for key in ("description", "reviewed_by", "reason"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise _fail(where, repr(key), "a string", raw[key])
    if bool((raw.get("reviewed_by") or "").strip()) != bool((raw.get("reason") or "").strip()):
        raise _fail(
            where,
            "'reviewed_by' and 'reason'",
            "given together (who reviewed the column, and why)",
            "only one",
        )
    return Column(
        name=name,
        bucket=bucket,
        treatment=treatment,
        params=MappingProxyType(_parse_params(where, treatment, raw.get("params"), name)),
        optional=optional,
        validation=_parse_validation(where, raw.get("validate")),
        description=(raw.get("description") or "").strip(),
        reviewed_by=raw.get("reviewed_by"),
        reason=raw.get("reason"),
    )


def parse_rubric(text: str, source: str = "<memory>") -> Rubric:
    """Parse and validate rubric YAML text; raise RubricError with an actionable message."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RubricError(f"rubric {source} is not valid YAML{at}; fix the syntax and retry.") from None
    if not isinstance(doc, dict):
        raise _fail(
            source,
            "the document",
            "a mapping with version, event_time and columns",
            type(doc).__name__,
        )
    _check_keys(
        "top level",
        doc,
        ("version", "dataset", "event_time", "columns", "retention", "privacy", "quarantine"),
    )
    version = doc.get("version")
    if not isinstance(version, (str, int, float)) or isinstance(version, bool):
        raise _fail("top level", "'version'", "a string such as '2026.11.1'", version)
    event_time = doc.get("event_time")
    if not isinstance(event_time, dict):
        raise _fail("top level", "'event_time'", "a mapping with column and rotation", event_time)
    _check_keys("event_time", event_time, ("column", "rotation"))
    rotation = event_time.get("rotation", "quarterly")
    if rotation not in ROTATIONS:
        raise _fail("event_time", "'rotation'", "one of " + ", ".join(ROTATIONS), rotation)
    raw_columns = doc.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise _fail("top level", "'columns'", "a non-empty list", raw_columns)
    seen: set[str] = set()
    columns = tuple(_parse_column(i, raw, seen) for i, raw in enumerate(raw_columns))
    names = {c.name for c in columns}
    etc = event_time.get("column")
    if etc not in names:
        raise _fail("event_time", "'column'", "a column listed under columns", etc)
    ecol = next(c for c in columns if c.name == etc)
    if ecol.validation.type != "timestamp" or not ecol.validation.required or ecol.optional:
        raise _fail(
            f"column {etc!r}",
            "validate",
            "{type: timestamp, required: true} and not "
            "optional, because it is the event-time column that picks each row's key window",
            f"type {ecol.validation.type}, required {ecol.validation.required}",
        )
    for c in columns:
        record = TREATMENTS[c.treatment]
        if record.required_type and c.validation.type != record.required_type:
            raise _fail(
                f"column {c.name!r}",
                "validate.type",
                f"{record.required_type} for treatment {c.treatment}",
                c.validation.type,
            )
        try:
            record.references(c.params, c.name, names)
        except ParamError as exc:
            raise _fail(f"column {c.name!r}", f"params.{exc.param}", exc.expected, exc.found) from None
    return Rubric(
        version=str(version),
        dataset=str(doc.get("dataset") or "dataset"),
        event_time_column=etc,
        rotation=rotation,
        columns=columns,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        retention=_parse_retention(doc.get("retention")),
        privacy=_parse_privacy(doc.get("privacy"), columns),
        quarantine_max_share=_parse_quarantine(doc.get("quarantine")),
    )


def _parse_quarantine(raw: Any) -> float:
    """``quarantine: {max_share: 0.05}``: the largest share of input rows a run may quarantine
    (5% when the rubric does not say: more means a broken export more often than bad rows)."""
    if raw is None:
        return DEFAULT_QUARANTINE_MAX_SHARE
    if not isinstance(raw, dict):
        raise _fail("top level", "'quarantine'", "a mapping with max_share", raw)
    _check_keys("quarantine", raw, ("max_share",))
    share = raw.get("max_share", DEFAULT_QUARANTINE_MAX_SHARE)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise _fail("quarantine", "'max_share'", "a number from 0 to 1 (0.05 is 5% of the input rows)", share)
    return float(share)


def _parse_retention(raw: Any) -> Retention:
    if raw is None:
        return Retention()
    if not isinstance(raw, dict):
        raise _fail("top level", "'retention'", "a mapping with direct_key_windows and/or output_days", raw)
    _check_keys("retention", raw, ("direct_key_windows", "output_days"))
    values = {}
    for key in ("direct_key_windows", "output_days"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise _fail("retention", repr(key), "a positive integer", value)
        values[key] = value
    return Retention(**values)


def _privacy_column(what: str, name: Any, by_name: Mapping[str, Column]) -> Column:
    if not isinstance(name, str) or name not in by_name:
        raise _fail("privacy", what, "a column listed under columns", name)
    spec = by_name[name]
    if spec.dropped:
        raise _fail("privacy", what, "a column the output keeps (not treatment drop)", name)
    return spec


def _parse_privacy(raw: Any, columns: tuple[Column, ...]) -> Privacy | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail("top level", "'privacy'", "a mapping with k, quasi_identifiers and action", raw)
    _check_keys("privacy", raw, ("k", "quasi_identifiers", "action", "sensitive", "l", "left_out"))
    k = raw.get("k")
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 1000:
        raise _fail("privacy", "'k'", "an integer from 2 to 1000", k)
    action = raw.get("action", "suppress")
    if action not in PRIVACY_ACTIONS:
        raise _fail("privacy", "'action'", "one of " + ", ".join(PRIVACY_ACTIONS), action)
    qis = raw.get("quasi_identifiers")
    if not isinstance(qis, list) or not qis:
        raise _fail("privacy", "'quasi_identifiers'", "a non-empty list of output column names", qis)
    by_name = {c.name: c for c in columns}
    for name in qis:
        spec = _privacy_column("quasi_identifiers", name, by_name)
        if not TREATMENTS[spec.treatment].class_value:
            raise _fail(
                "privacy",
                f"quasi_identifiers entry {name!r}",
                "a column treated with one of "
                + ", ".join(n for n, r in TREATMENTS.items() if r.class_value),
                spec.treatment,
            )
    if len(set(qis)) != len(qis):
        raise _fail("privacy", "'quasi_identifiers'", "unique column names", "a duplicate")
    sensitive, l_value = raw.get("sensitive"), raw.get("l")
    if sensitive is None and l_value is not None:
        raise _fail("privacy", "'l'", "given only with 'sensitive' (the attribute to diversify)", l_value)
    if sensitive is not None:
        _privacy_column("'sensitive'", sensitive, by_name)
        if sensitive in qis:
            raise _fail("privacy", "'sensitive'", "a column that is not a quasi-identifier", sensitive)
        if isinstance(l_value, bool) or not isinstance(l_value, int) or l_value < 2 or l_value > k:
            raise _fail("privacy", "'l'", f"an integer from 2 to k ({k}) when 'sensitive' is set", l_value)
    left_out = _parse_left_out(raw.get("left_out", {}), qis, sensitive, by_name)
    return Privacy(
        k=k, quasi_identifiers=tuple(qis), action=action, sensitive=sensitive, l=l_value, left_out=left_out
    )


def _parse_left_out(
    raw: Any, qis: list, sensitive: str | None, by_name: Mapping[str, Column]
) -> tuple[tuple[str, str], ...]:
    """``left_out``: column -> why it is not a quasi-identifier (a decision Legal reviews)."""
    if not isinstance(raw, dict):
        raise _fail("privacy", "'left_out'", "a mapping of column name to the reason it is left out", raw)
    out = []
    for name, reason in raw.items():
        _privacy_column("left_out", name, by_name)
        if name in qis or name == sensitive:
            raise _fail(
                "privacy", f"left_out entry {name!r}", "a column not already in the combination", name
            )
        if not isinstance(reason, str) or not reason.strip():
            raise _fail("privacy", f"left_out entry {name!r}", "a reason (non-empty text)", reason)
        out.append((name, " ".join(reason.split())))
    return tuple(out)


def load_rubric(path: str | Path) -> Rubric:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricFileError(
            f"rubric file {p} does not exist; pass --rubric with the path to rubric.yaml."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricFileError(
            f"rubric file {p} cannot be read ({type(exc).__name__}); check the path."
        ) from None
    return parse_rubric(text, source=str(p))
