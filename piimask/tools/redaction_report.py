"""`pii-mask redaction-report`: recall, precision and throughput of free-text redaction.

``--corpus FILE`` scores any labelled JSONL (``eval/notes/*.jsonl``, see ``tools.corpus``) with the
chosen backend: recall per type, character precision, no-PII notes altered, and the misses listed
by type and note id (never their text). Without it, the report measures the generator's labelled
notes (development and held-out templates) with the native patterns, as below; those figures
measure the generator as much as the detectors.

A labelled span counts as caught only if no character of it survives. A replacement is correct
when it overlaps a labelled span. The redaction runs natively in Spark with marker placeholders,
so the replaced character ranges of each note can be recovered by aligning the redacted text
with the original. In the same run, Presidio's pattern recognizers (no spaCy model) process the
same notes on the driver, and the throughput ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from collections.abc import Iterable, Sequence

from pyspark.sql import functions as F

from piimask.treatments.freetext.detectors import DETECTOR_NAMES
from piimask.treatments.redact import DEFAULT_SERIAL_PATTERN

__all__ = ["TARGETS", "add_arguments", "main", "marker_spans", "score"]

OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: never in a note
_MARKER = re.compile(f"{OPEN}([A-Z]+){CLOSE}")
TYPE_OF = {
    "email": "EMAIL",
    "url": "URL",
    "mac": "MAC",
    "ip": "IP",
    "card": "CARD",
    "ssn": "SSN",
    "coordinates": "COORDINATES",
    "serial": "SERIAL",
    "phone": "PHONE",
    "address": "ADDRESS",
    "person": "PERSON",
    "identifiers": "ID",
}
TARGETS = {  # minimum recall per entity type; precision >= PRECISION_TARGET for every type
    **dict.fromkeys(("EMAIL", "PHONE", "CARD", "SSN", "IP", "MAC"), 0.99),
    **dict.fromkeys(("PERSON", "ADDRESS"), 0.95),
}
PRECISION_TARGET = 0.90
IDENTIFIER_COLUMNS = (  # the rubric's direct and quasi columns that the generator writes
    "event_id",
    "tool_serial",
    "operator_id",
    "operator_email",
    "operator_name",
    "operator_phone",
    "job_site_id",
    "device_mac",
)
PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CARD",
    "US_SSN": "SSN",
    "IP_ADDRESS": "IP",
    "MAC_ADDRESS": "MAC",
    "URL": "URL",
}


def marker_spans(original: str, redacted: str) -> list[tuple[int, int, str]]:
    """(start, end, type) of each range of ``original`` that a marker replaced in ``redacted``."""
    pieces = _MARKER.split(redacted)  # literal, type, literal, type, ..., literal
    literals, kinds = pieces[0::2], pieces[1::2]
    if not kinds:
        return []
    pattern = re.escape(literals[0]) + "".join(f"(.+?){re.escape(lit)}" for lit in literals[1:])
    match = re.fullmatch(pattern, original, re.DOTALL)
    if match is None:
        raise ValueError("redacted text does not align with its original")
    return [(match.start(i + 1), match.end(i + 1), kind) for i, kind in enumerate(kinds)]


def score(
    labels: Iterable[tuple[str, int, int, str]],
    predicted: Iterable[tuple[str, int, int, str]],
) -> dict[str, dict]:
    """Per entity type: labels, caught, recall (from ``labels`` (row, start, end, type)) and
    predicted, correct, precision (from ``predicted`` (row, start, end, type))."""
    labels, predicted = list(labels), list(predicted)
    covered: dict[str, set[int]] = {}
    for row, start, end, _ in predicted:
        covered.setdefault(row, set()).update(range(start, end))
    by_row: dict[str, list[tuple[int, int]]] = {}
    for row, start, end, _ in labels:
        by_row.setdefault(row, []).append((start, end))
    table: dict[str, dict] = {}

    def entry(kind: str) -> dict:
        return table.setdefault(kind, {"labels": 0, "caught": 0, "predicted": 0, "correct": 0})

    for row, start, end, kind in labels:
        e = entry(kind)
        e["labels"] += 1
        e["caught"] += set(range(start, end)) <= covered.get(row, set())
    for row, start, end, kind in predicted:
        e = entry(kind)
        e["predicted"] += 1
        e["correct"] += any(start < b and a < end for a, b in by_row.get(row, ()))
    for e in table.values():
        e["recall"] = e["caught"] / e["labels"] if e["labels"] else None
        e["precision"] = e["correct"] / e["predicted"] if e["predicted"] else None
    return dict(sorted(table.items()))


def _redacted(spark, data, detectors: Sequence[str]):
    from piimask.treatments.freetext.redaction import redact_frame

    markers = {d: f"{OPEN}{TYPE_OF[d]}{CLOSE}" for d in DETECTOR_NAMES}
    idents = [(c, F.col(c)) for c in IDENTIFIER_COLUMNS]
    red = redact_frame(
        data, F.col("operator_notes"), "redacted", detectors, DEFAULT_SERIAL_PATTERN, markers, idents
    )
    return red.select("event_id", "operator_notes", "redacted")


def _notes(spark, rows: int, seed: int, templates: str):
    from piimask.tools.generate import generate_with_labels

    data, labels = generate_with_labels(spark, rows, seed, templates=templates)
    local = data.select("operator_notes", *IDENTIFIER_COLUMNS).where(F.col("operator_notes").isNotNull())
    cached = spark.createDataFrame(local.collect(), local.schema).cache()
    cached.count()
    label_rows = [(r.row, r.start, r.end, r.type) for r in labels.collect()]
    return cached, label_rows


def _presidio(texts: list[tuple[str, str]]):
    """(spans, seconds) from Presidio's pattern recognizers on the same notes, or None."""
    try:
        from presidio_analyzer import predefined_recognizers as pr
    except ImportError:
        return None
    names = ("EmailRecognizer", "PhoneRecognizer", "CreditCardRecognizer", "UsSsnRecognizer")
    names += ("IpRecognizer", "MacAddressRecognizer", "UrlRecognizer")
    recognizers = [getattr(pr, n)() for n in names if hasattr(pr, n)]
    # tldextract (Email/Url recognizers) tries to fetch the public suffix list once, then falls
    # back to its bundled snapshot: keep that out of the log and out of the timing
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    for rec in recognizers:
        rec.analyze("warm up a@b.com https://example.com/x", rec.supported_entities, None)
    start = time.perf_counter()
    spans = []
    for row, text in texts:
        for rec in recognizers:
            for r in rec.analyze(text, rec.supported_entities, None):
                spans.append((row, r.start, r.end, PRESIDIO_TYPES.get(r.entity_type, r.entity_type)))
    return spans, time.perf_counter() - start


def measure(spark, rows: int, seed: int, templates: str, detectors: Sequence[str], presidio: bool) -> dict:
    data, labels = _notes(spark, rows, seed, templates)
    red = _redacted(spark, data, detectors)
    timings = []
    for _ in range(3):  # the first run warms the JVM up; report the best of the rest
        start = time.perf_counter()
        red.agg(F.sum(F.length("redacted"))).collect()
        timings.append(time.perf_counter() - start)
    seconds = min(timings[1:])
    notes = red.collect()
    predicted = [(r.event_id, *span) for r in notes for span in marker_spans(r.operator_notes, r.redacted)]
    # the ID placeholder (this row's operator/site/event ids) is not a labelled type
    result = {
        "templates": templates,
        "notes": len(notes),
        "seconds": seconds,
        "notes_per_second": len(notes) / seconds,
        "table": score(labels, predicted),
    }
    if presidio:
        found = _presidio([(r.event_id, r.operator_notes) for r in notes])
        if found is not None:
            spans, p_seconds = found
            result["presidio"] = {
                "seconds": p_seconds,
                "notes_per_second": len(notes) / p_seconds,
                "table": score(labels, spans),
            }
    return result


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(result: dict) -> str:
    lines = [
        f"templates={result['templates']}  notes={result['notes']}  "
        f"throughput={result['notes_per_second']:.0f} notes/s ({result['seconds']:.2f} s)",
        "| type | labels | caught | recall | target | replaced | correct | precision | ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind, e in result["table"].items():
        target = TARGETS.get(kind)
        ok = (e["recall"] is None or target is None or e["recall"] >= target) and (
            e["precision"] is None or e["precision"] >= PRECISION_TARGET
        )
        lines.append(
            f"| {kind} | {e['labels']} | {e['caught']} | {_fmt(e['recall'])} | "
            f"{'-' if target is None else target} | {e['predicted']} | {e['correct']} | "
            f"{_fmt(e['precision'])} | {'yes' if ok else 'NO'} |"
        )
    p = result.get("presidio")
    if p:
        ratio = result["notes_per_second"] / p["notes_per_second"]
        recalls = ", ".join(
            f"{k} {_fmt(v['recall'])}" for k, v in p["table"].items() if v["labels"] and k in TARGETS
        )
        lines.append(
            f"presidio pattern recognizers: {p['notes_per_second']:.0f} notes/s "
            f"({p['seconds']:.2f} s, one Python thread); piimask/presidio throughput ratio {ratio:.1f}x; "
            f"presidio recall: {recalls}"
        )
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", help="score this labelled JSONL corpus instead of generated notes")
    parser.add_argument(
        "--backend",
        choices=("engine", "cascade", "patterns"),
        default="engine",
        help="the redact backend scored on --corpus (default: engine, the default rubric's)",
    )
    parser.add_argument(
        "--phone-regions", help="comma-separated regions for --corpus (default: the engine's)"
    )
    parser.add_argument("--rows", type=int, default=3000, help="generated rows per template set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--templates", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio comparison")
    parser.add_argument("--json", help="also write the results as JSON here")


def corpus_main(args: argparse.Namespace) -> int:
    from piimask.session import get_spark
    from piimask.tools.corpus import load_notes, redact_notes, render_corpus, score_notes, spans_of

    notes = load_notes(args.corpus)
    regions = [r.strip().upper() for r in args.phone_regions.split(",")] if args.phone_regions else None
    spark = get_spark("piimask-redaction-report", master="local[2]")
    redacted = redact_notes(spark, notes, args.backend, regions)
    result = score_notes(notes, spans_of(notes, redacted))
    result["backend"] = args.backend
    print(render_corpus(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=2)
    return 0


def main(args: argparse.Namespace) -> int:
    if args.corpus:
        return corpus_main(args)
    from piimask.session import huge_method_session

    spark = huge_method_session("piimask-generate")
    sets = ("dev", "heldout") if args.templates == "both" else (args.templates,)
    detectors = tuple(DETECTOR_NAMES)
    results = []
    for templates in sets:
        result = measure(spark, args.rows, args.seed, templates, detectors, not args.no_presidio)
        results.append(result)
        print(render(result), flush=True)
        print()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0
