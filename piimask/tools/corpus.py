"""Labelled note corpora (``eval/notes/*.jsonl``): loading with every offset checked, redaction by
a chosen backend with typed markers, and scoring by one rule.

A corpus is JSON lines ``{"id", "text", "spans": [{"start", "end", "type"}], ...}``. A labelled
span counts as caught only when none of its letters or digits survive (each lies inside a
redacted range); character precision is redacted characters inside a labelled span over all
redacted characters (a placeholder counts as the characters it replaced); a note without spans
counts as altered when anything in it was redacted. Results name notes by id only: no note text
is ever printed or logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from piimask.errors import UsageError
from piimask.tools.redaction_report import CLOSE, OPEN, marker_spans

__all__ = ["TYPES", "load_notes", "markers", "redact_notes", "render_corpus", "score_notes", "spans_of"]

TYPES = ("PERSON", "PHONE", "ADDRESS", "EMAIL", "SERIAL", "COORDINATES", "URL", "IP", "MAC", "CARD", "SSN")
_DETECTOR_TYPE = {
    "email": "EMAIL",
    "url": "URL",
    "mac": "MAC",
    "coordinates": "COORDINATES",
    "ip": "IP",
    "card": "CARD",
    "ssn": "SSN",
    "serial": "SERIAL",
    "address": "ADDRESS",
    "phone": "PHONE",
    "person": "PERSON",
    "identifiers": "ID",
}


def markers() -> dict[str, str]:
    """Placeholders that mark each replaced range with its type (private-use characters)."""
    return {d: f"{OPEN}{t}{CLOSE}" for d, t in _DETECTOR_TYPE.items()}


def load_notes(path: Path) -> list[dict]:
    """The corpus's notes; a line that is not a well-formed labelled note is refused with its line
    number and what is wrong (never its text)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"cannot read the corpus {path}: {type(exc).__name__}; pass a UTF-8 JSONL file."
        ) from None
    notes, seen = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            note = json.loads(line)
        except json.JSONDecodeError:
            raise UsageError(f"{path} line {number}: not JSON.") from None
        problem = _problem(note, seen)
        if problem:
            raise UsageError(f"{path} line {number}: {problem}.")
        seen.add(note["id"])
        notes.append(note)
    if not notes:
        raise UsageError(f"{path} holds no notes.")
    return notes


def _problem(note: object, seen: set) -> str | None:
    if not isinstance(note, dict) or not isinstance(note.get("text"), str):
        return "a note needs a string 'text'"
    if not isinstance(note.get("id"), str) or note["id"] in seen:
        return "a note needs a unique string 'id'"
    spans = note.get("spans")
    if not isinstance(spans, list):
        return "a note needs a list 'spans' (empty when it holds no personal data)"
    for span in spans:
        if not isinstance(span, dict) or span.get("type") not in TYPES:
            return "every span needs a 'type', one of " + ", ".join(TYPES)
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(note["text"])):
            return "a span's start and end must be offsets inside the text with start < end"
    return None


def score_notes(notes: list[dict], predicted: dict[str, list[tuple[int, int, str]]]) -> dict:
    """Scores ``predicted`` (note id -> redacted ranges (start, end, type)) against the labels."""
    per_type = {t: {"labels": 0, "caught": 0} for t in TYPES}
    misses: dict[str, list[str]] = {}
    redacted_chars = inside_chars = 0
    altered_clean = clean = 0
    false_ranges: list[tuple[str, str]] = []
    for note in notes:
        covered: set[int] = set()
        for start, end, _ in predicted.get(note["id"], ()):
            covered.update(range(start, end))
        text = note["text"]
        labelled: set[int] = set()
        for span in note["spans"]:
            labelled.update(range(span["start"], span["end"]))
            e = per_type.setdefault(span["type"], {"labels": 0, "caught": 0})
            e["labels"] += 1
            needed = {i for i in range(span["start"], span["end"]) if text[i].isalnum()}
            if needed <= covered:
                e["caught"] += 1
            else:
                misses.setdefault(span["type"], []).append(note["id"])
        redacted_chars += len(covered)
        inside_chars += len(covered & labelled)
        for start, end, kind in predicted.get(note["id"], ()):
            if not set(range(start, end)) & labelled:
                false_ranges.append((kind, note["id"]))
        if not note["spans"]:
            clean += 1
            altered_clean += bool(covered)
    labels = sum(e["labels"] for e in per_type.values())
    caught = sum(e["caught"] for e in per_type.values())
    for e in per_type.values():
        e["recall"] = round(e["caught"] / e["labels"], 4) if e["labels"] else None
    return {
        "notes": len(notes),
        "per_type": per_type,
        "recall": round(caught / labels, 4) if labels else None,
        "char_precision": round(inside_chars / redacted_chars, 4) if redacted_chars else None,
        "clean_notes": clean,
        "clean_notes_altered": altered_clean,
        "misses": {k: sorted(v) for k, v in sorted(misses.items())},
        "false_positives": sorted(false_ranges),
    }


def spans_of(notes: list[dict], redacted: Iterable[str]) -> dict[str, list[tuple[int, int, str]]]:
    return {n["id"]: marker_spans(n["text"], r) for n, r in zip(notes, redacted, strict=True)}


def redact_notes(spark, notes: list[dict], backend: str, phone_regions=None) -> list[str]:
    """The notes redacted by ``backend`` (engine, cascade or patterns), each detector's placeholder
    a typed marker, in the order of ``notes``."""
    from pyspark.sql import functions as F

    from piimask.treatments.freetext import cascade, engine
    from piimask.treatments.freetext.detectors import DETECTOR_NAMES
    from piimask.treatments.freetext.redaction import redact_text
    from piimask.treatments.redact import DEFAULT_SERIAL_PATTERN

    df = spark.createDataFrame([(n["id"], n["text"]) for n in notes], "id string, text string")
    text = F.col("text")
    if backend == "patterns":
        red = redact_text(text, DETECTOR_NAMES, DEFAULT_SERIAL_PATTERN, markers())
    else:
        config = engine.engine_config(placeholders=markers(), phone_regions=phone_regions)
        red = engine.redact(text, config)
        if backend == "cascade":
            red = cascade.redact_undecided(text, red, config, markers())
    by_id = {r["id"]: r["r"] for r in df.select("id", red.alias("r")).collect()}
    return [by_id[n["id"]] for n in notes]


def render_corpus(result: dict) -> str:
    """The scores as text: per type, overall, then the misses and false positives by note id."""
    lines = [f"{result['notes']} notes, backend {result.get('backend', '?')}"]
    for kind, e in result["per_type"].items():
        if e["labels"]:
            lines.append(f"  {kind:<12} {e['caught']:>4}/{e['labels']:<4} recall {e['recall']:.3f}")
    lines.append(
        f"  overall recall {result['recall']}, character precision {result['char_precision']}, "
        f"no-PII notes altered {result['clean_notes_altered']}/{result['clean_notes']}"
    )
    for kind, ids in result["misses"].items():
        lines.append(f"  missed {kind}: {' '.join(ids)}")
    wrong: dict[str, list[str]] = {}
    for kind, note_id in result["false_positives"]:
        wrong.setdefault(kind, []).append(note_id)
    for kind, ids in sorted(wrong.items()):
        lines.append(f"  redacted outside any label ({kind}): {' '.join(ids)}")
    return "\n".join(lines)
