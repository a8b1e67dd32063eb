"""The cascade backend: the JVM engine first, then the real spaCy model on the notes the engine
leaves undecided; its filters; the corpus tool that scores it; the rubric that selects it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from piimask.errors import UsageError
from piimask.rubric import RubricError, parse_rubric
from piimask.tools.corpus import load_notes, redact_notes, score_notes, spans_of
from piimask.treatments.freetext import cascade, engine

UNDECIDED = "Drill returned by Zorbath Quennel after the jam"  # names in no lexicon, no cue word
ROOT = Path(__file__).resolve().parents[2]
DECIDED = "spoke with John Smith about the drill"


def test_the_model_finds_a_name_the_engine_leaves_undecided(spark):
    config = engine.engine_config()
    df = spark.createDataFrame(
        [(UNDECIDED,), (DECIDED,), ("battery swapped, torque ok",), (None,)], "t string"
    )
    rows = df.select(
        engine.undecided("t", config).alias("undecided"),
        engine.redact("t", config).alias("engine"),
        cascade.redact_undecided(df["t"], engine.redact("t", config), config).alias("cascade"),
    ).collect()
    assert [r["undecided"] for r in rows[:3]] == [True, False, False]
    assert "Zorbath" in rows[0]["engine"] and "Quennel" in rows[0]["engine"]
    assert "Zorbath" not in rows[0]["cascade"] and "Quennel" not in rows[0]["cascade"]
    assert "[PERSON]" in rows[0]["cascade"] and rows[0]["cascade"].endswith("after the jam")
    # decided notes never reach the model: the cascade's text is the engine's, unchanged
    assert [r["cascade"] for r in rows[1:]] == [r["engine"] for r in rows[1:]]
    assert rows[3]["cascade"] is None


def test_filters_keep_ordinary_words_cities_and_other_languages_away_from_the_model():
    assert not cascade._plausible("Drill")  # a frequent English word, not a name
    assert not cascade._plausible("Gresham")  # a city, and no one's name in the lexicon
    assert not cascade._plausible("JOBSITE-5G") and not cascade._plausible("wifi config:")
    assert cascade._plausible("Zorbath Quennel")
    assert cascade._english("the drill was returned with a cracked chuck")
    assert not cascade._english("Der Bohrhammer wurde mit einem Riss im Futter zurückgegeben")
    # a German note goes through untouched, an English one loses its name
    out = cascade.redact_texts(["Der Koch hat den Bohrhammer zurückgegeben", UNDECIDED, None], "[PERSON]")
    assert out[0] == "Der Koch hat den Bohrhammer zurückgegeben" and out[2] is None
    assert "Zorbath" not in out[1]


def test_placeholders_the_engine_wrote_are_never_redacted_again():
    text = "Talked to [PERSON] and Zorbath Quennel"
    out = cascade.redact_texts([text], "[PERSON]")[0]
    assert out.startswith("Talked to [PERSON] and") and "Zorbath" not in out


def test_a_missing_model_is_a_usage_error_naming_the_extra(monkeypatch):
    monkeypatch.setenv(cascade.MODEL_ENV, "xx_no_such_pipeline")
    with pytest.raises(UsageError, match=r"not installed.*\[ner\]"):
        cascade.check_available()


def test_the_default_rubric_selects_the_cascade_with_its_phone_regions(rubric):
    spec = next(c for c in rubric.columns if c.name == "operator_notes")
    assert spec.params["backend"] == "cascade"
    assert "DE" in spec.params["phone_regions"] and "JP" in spec.params["phone_regions"]


def test_rubric_refuses_a_bad_backend_or_region():
    doc = yaml.safe_load((ROOT / "rubric.yaml").read_text(encoding="utf-8"))
    notes = next(c for c in doc["columns"] if c["name"] == "operator_notes")
    for params, word in (
        ({"backend": "presidio"}, "backend"),
        ({"phone_regions": ["Germany"]}, "phone_regions"),
    ):
        notes["params"] = params
        with pytest.raises(RubricError, match=word):
            parse_rubric(yaml.safe_dump(doc))


def test_corpus_tool_scores_each_backend_by_the_same_rule(spark, tmp_path):
    notes = [
        {"id": "a", "text": UNDECIDED, "spans": [{"start": 18, "end": 33, "type": "PERSON"}]},
        {"id": "b", "text": "call +49 30 1234567 now", "spans": [{"start": 5, "end": 19, "type": "PHONE"}]},
        {"id": "c", "text": "Mark the May batch, firmware 10.2.0.1", "spans": []},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    loaded = load_notes(path)
    results = {
        b: score_notes(loaded, spans_of(loaded, redact_notes(spark, loaded, b)))
        for b in ("engine", "cascade")
    }
    assert results["engine"]["per_type"]["PERSON"]["caught"] == 0
    assert results["cascade"]["per_type"]["PERSON"]["caught"] == 1
    assert results["cascade"]["per_type"]["PHONE"]["caught"] == 1
    assert results["cascade"]["clean_notes_altered"] == 0


def test_corpus_tool_refuses_bad_offsets_without_printing_the_note(tmp_path):
    path = tmp_path / "bad.jsonl"
    secret = "Zorbath Quennel"
    path.write_text(
        json.dumps({"id": "a", "text": secret, "spans": [{"start": 3, "end": 99, "type": "PERSON"}]})
    )
    with pytest.raises(UsageError) as err:
        load_notes(path)
    assert "line 1" in str(err.value) and secret not in str(err.value)
