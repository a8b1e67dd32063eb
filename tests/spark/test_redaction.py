"""Free-text redaction: each detector's positive and negative cases, per-column placeholders, the
name dictionary, and the measurement's arithmetic."""

from __future__ import annotations

import json
import random

import pytest
from chispa import assert_column_equality
from pyspark.sql import functions as F

from benchmarks.udf_baseline import luhn
from piimask.rubric import RubricError, parse_rubric
from piimask.tools.redaction_report import marker_spans, score
from piimask.treatments.freetext import names as names_mod
from piimask.treatments.freetext.detectors import (
    DETECTOR_NAMES,
    any_detected,
    luhn_ok,
    prefilter,
    redact_patterns,
)
from piimask.treatments.freetext.redaction import redact_frame, redact_text
from piimask.treatments.redact import DEFAULT_SERIAL_PATTERN

ALL = tuple(d for d in DETECTOR_NAMES if d != "identifiers")

# (text, expected) side by side; ordinary words, tool models and error codes survive
CASES = [
    ("mail maria.lopez@gmail.com now", "mail [EMAIL] now"),
    ("call (503) 555-1234 or 503.555.1234", "call [PHONE] or [PHONE]"),
    ("text +15035551234 or +1 503 555 1234", "text [PHONE] or [PHONE]"),
    ("intl +44 20 7946 0958", "intl [PHONE]"),
    ("gw 10.0.12.7 and 2001:db8:a1:b2::c3", "gw [IP] and [IP]"),
    ("mac 00:1A:2b:3c:4D:5e ok", "mac [MAC] ok"),
    ("ap 0011.22aa.bbcc and 00-1a-2b-3c-4d-5e", "ap [MAC] and [MAC]"),
    ("link fe80::1 or ::1 at 12:30, v2.5", "link [IP] or [IP] at 12:30, v2.5"),
    ("card 4111 1111 1111 1111 paid", "card [CARD] paid"),
    ("amex 3782-822463-10005", "amex [CARD]"),
    ("order 4111 1111 1111 1112 kept", "order 4111 1111 1111 1112 kept"),  # fails Luhn
    ("SSN 123-45-6789 and ssn: 123456789", "SSN [SSN] and ssn: [SSN]"),
    ("ref 000-12-3456 kept", "ref 000-12-3456 kept"),  # never-issued area
    ("tool DW0123456789 swapped", "tool [SERIAL] swapped"),
    ("at 45.5152, -122.6784 now", "at [COORDINATES] now"),
    ("to 1234 Johnson Mountains, Portland, OR 97201.", "to [ADDRESS]."),
    ("at 742 Evergreen Terrace Apt 4 today", "at [ADDRESS] today"),
    ("drop at 12 main st", "drop at [ADDRESS]"),
    ("see https://www.linkedin.com/in/maria-lopez.", "see [URL]."),
    ("log in https://intranet.example.com/~jdoe/shifts", "log in [URL]"),
    ("docs https://www.dewalt.com/support kept", "docs https://www.dewalt.com/support kept"),
    ("Handed to Maria Lopez at noon", "Handed to [PERSON] at noon"),
    ("per jürgen schmidt, done", "per [PERSON], done"),
    ("Met Anna Schmidt-Weber today", "Met [PERSON] today"),  # two last names, one hyphen
    ("met anna schmidtweber, anna schmidt-based", "met anna schmidtweber, [PERSON]-based"),
    ("Per Jürgen, send it", "Per [PERSON], send it"),
    ("Ask Mr. Smith first", "Ask [PERSON] first"),
    ("Reviewed by 佐藤 翼", "Reviewed by [PERSON]"),
    ("Will check May 3, Mark the box", "Will check May 3, Mark the box"),
    ("DCD791 error E-204 on 20V MAX Drill", "DCD791 error E-204 on 20V MAX Drill"),
    ("Torque check ok, battery 42%, 3 units left", "Torque check ok, battery 42%, 3 units left"),
    ("Firmware 2.5.1 installed on bay 3", "Firmware 2.5.1 installed on bay 3"),
]


def _redacted(spark, rows, detectors=ALL, placeholders=None, identifiers=()):
    df = spark.createDataFrame(rows, "text string, expected string, name string")
    idents = [(c, F.col(c)) for c in identifiers]
    # the job's path (guarded steps, one projection each), beside the plain single expression
    fast = redact_frame(
        df, F.col("text"), "redacted", detectors, DEFAULT_SERIAL_PATTERN, placeholders, idents
    )
    red = redact_text(F.col("text"), detectors, DEFAULT_SERIAL_PATTERN, placeholders, idents)
    return fast.withColumn("plain", red)


def test_guarded_steps_give_the_same_text_as_the_plain_expression(spark):
    rows = [(t, e, None) for t, e in CASES] + [("Talked to Ann Lee; ann LEE agreed", "", "Ann Lee")]
    got = _redacted(spark, rows, identifiers=("name",)).select("redacted", "plain").collect()
    assert all(r["redacted"] == r["plain"] for r in got)
    assert sum(r["redacted"] != r["plain"] for r in got) == 0 and len(got) == len(rows)


def test_luhn_check_agrees_with_the_baselines_python_luhn(spark):
    rng = random.Random(7)
    numbers = []
    for _ in range(3000):
        body = "".join(rng.choice("0123456789") for _ in range(rng.randint(10, 20)))
        # every check digit for some bodies, so about half the numbers pass
        numbers += [body + str(d) for d in range(10)] if rng.random() < 0.1 else [body]
    numbers += ["", "4111111111111111", "0000000000000", "000000000000"]
    df = spark.createDataFrame([(n,) for n in numbers], "n string")
    got = [r.ok for r in df.select(luhn_ok(F.col("n")).alias("ok")).collect()]
    want = [luhn(n) for n in numbers]
    assert got == want
    assert 300 < sum(want) < len(want) - 300  # both outcomes, many times each


@pytest.mark.e2e  # generates a dataset with the generator: a whole tool run
def test_every_prefilter_passes_every_text_its_detector_finds_something_in(spark):
    # a prefilter is a necessary condition: a text it rejects must hold nothing to redact
    from piimask.tools.generate import generate_with_labels

    texts = [t for t, _ in CASES] + [  # one shape per text, so no other find passes it
        "call 5035551234",
        "call (503)555-1234",
        "call 1-503-555-1234",
        "intl +44 20 7946 0958",
        "gw 192.168.0.1",
        "gw 2001:0db8:0000:0000:0000:ff00:0042:8329",
        "mac 0a1b.2c3d.4e5f",
        "SSN: 123456789",
        "card 4111-1111-1111-1111",
        "at 45.5152,-122.6784",
        "drop at 12-34 Main St",
        "PO Box 12",
    ]
    for templates in ("dev", "heldout"):
        notes = generate_with_labels(spark, 3000, seed=11, templates=templates)[0]
        texts += [r.operator_notes for r in notes.select("operator_notes").collect()]
    df = spark.createDataFrame([(t,) for t in texts], "text string")
    for name, pattern, _ in redact_patterns(ALL, DEFAULT_SERIAL_PATTERN):
        pre = prefilter(F.col("text"), name)
        if pre is None:
            continue
        found = F.col("text").rlike(pattern)  # (for cards: the candidates, before Luhn)
        assert df.where(found).count() > 0, name  # the check means something
        assert df.where(found & ~pre).count() == 0, name


def test_each_detector_positive_and_negative(spark):
    df = _redacted(spark, [(t, e, None) for t, e in CASES])
    assert_column_equality(df, "redacted", "expected")


def test_redacted_text_no_longer_triggers_any_detector(spark):
    df = _redacted(spark, [(t, e, None) for t, e in CASES])
    found = df.where(any_detected(F.col("redacted"), ALL, DEFAULT_SERIAL_PATTERN)).count()
    assert found == 0
    raw = df.where(any_detected(F.col("text"), ALL, DEFAULT_SERIAL_PATTERN)).count()
    assert raw == sum(t != e for t, e in CASES)


def test_row_identifiers_and_name_parts(spark):
    rows = [
        ("Gabrielle said Paul Murphy has it", "[PERSON] said [PERSON] has it", "Gabrielle Paul"),
        ("Kwabena Osei-Tutu called", "[PERSON] called", "Kwabena Osei-Tutu"),
        ("nothing here", "nothing here", "Kwabena Osei-Tutu"),
    ]
    df = _redacted(spark, rows, ALL + ("identifiers",), identifiers=("name",))
    assert_column_equality(df, "redacted", "expected")


def test_other_case_and_name_part_blocks_check_every_value(spark):
    # each row value is looked for in one lower-cased copy per block: a value other than the
    # first (the serial, the site) in another case must still open its block
    rows = [
        ("Qwxzy Brelk met; serial zz-9 and ZZ-9", "[PERSON] met; serial [SERIAL] and [SERIAL]"),
        ("qwxzy BRELK and Brelk alone", "[PERSON] and [PERSON] alone"),
        ("site KX-77 noted as kx-77", "site [ID] noted as [ID]"),
        ("nothing of theirs", "nothing of theirs"),
    ]
    cols = "text string, expected string, operator_name string, tool_serial string, site_code string"
    df = spark.createDataFrame([(t, e, "Qwxzy Brelk", "zz-9", "kx-77") for t, e in rows], cols)
    idents = [(c, F.col(c)) for c in ("operator_name", "tool_serial", "site_code")]
    fast = redact_frame(df, F.col("text"), "redacted", ("identifiers",), DEFAULT_SERIAL_PATTERN, None, idents)
    fast = fast.withColumn(
        "plain", redact_text(F.col("text"), ("identifiers",), DEFAULT_SERIAL_PATTERN, None, idents)
    )
    assert_column_equality(fast, "redacted", "expected")
    assert_column_equality(fast, "plain", "expected")


def test_placeholders_are_configurable_per_detector(spark):
    rows = [("Maria Lopez, maria@x.com, 503-555-1234", "<name>, <mail>, [PHONE]", None)]
    df = _redacted(spark, rows, placeholders={"person": "<name>", "email": "<mail>"})
    assert_column_equality(df, "redacted", "expected")


def _rubric(params: str) -> str:
    return f"""
version: "1"
event_time: {{column: ts}}
columns:
  - {{name: ts, bucket: sensitive, treatment: hour, validate: {{type: timestamp, required: true}}}}
  - {{name: notes, bucket: sensitive, treatment: redact, params: {params}}}
"""


def test_rubric_accepts_placeholders_and_names_bad_ones():
    rubric = parse_rubric(_rubric("{placeholders: {person: '[NAME]'}, detectors: [person, email]}"))
    assert rubric.column("notes").params["placeholders"] == {"person": "[NAME]"}
    assert rubric.column("notes").params["backend"] == "engine"  # the treatment's default: no model needed
    for bad, words in (
        ("{placeholders: {nobody: '[X]'}}", ("'notes'", "params.placeholders", "nobody")),
        ("{placeholders: {email: 'a@b'}}", ("'notes'", "params.placeholders.email", "no digit")),
        ("{placeholders: {card: '[CARD 1]'}}", ("'notes'", "params.placeholders.card", "'[CARD 1]'")),
        ("{backend: spacy}", ("'notes'", "params.backend", "engine, cascade, patterns", "spacy")),
    ):
        with pytest.raises(RubricError) as err:
            parse_rubric(_rubric(bad))
        for word in words:
            assert word in str(err.value)


def test_default_rubric_redacts_with_every_detector(rubric):
    assert set(rubric.column("operator_notes").params["detectors"]) == set(DETECTOR_NAMES)


def test_name_dictionary_is_shipped_and_matches_a_fresh_build():
    shipped = names_mod.load_dictionary()
    assert len(shipped["first_names"]) > 3000 and len(shipped["last_names"]) > 2000
    assert {"Maria", "Jürgen", "翼"} <= set(shipped["first_names"])
    faker = pytest.importorskip("faker")
    if faker.VERSION != shipped["faker_version"]:
        pytest.skip(f"names.json was built with Faker {shipped['faker_version']}")
    fresh = json.loads(json.dumps(names_mod.build_dictionary(), ensure_ascii=False))
    assert fresh == shipped, "names.json drifted: run python -m piimask.treatments.freetext.names --write"


def test_trie_regex_matches_exactly_its_words():
    import re

    words = ["Ann", "Anna", "Annette", "Annabel", "Annabelle", "Bob", "Karl Heinz", "Karl", "O'Neil"]
    for depth in (0, 1, 2, 3, 9):  # all flat, ..., all trie: the same words
        pattern = re.compile(r"(?i)" + names_mod.trie_regex(words, depth))
        for w in words:
            assert pattern.fullmatch(w.lower())
        for w in ("An", "Annet", "Annabell", "Bobby", "Karl  heinzz", "oneil"):
            assert not pattern.fullmatch(w.lower())
        # a word is preferred to a word that is its prefix, as a greedy trie prefers it
        assert pattern.match("annabelle").group() == "annabelle"
        assert pattern.match("karl heinz").group() == "karl heinz"


def test_marker_spans_recover_replaced_ranges():
    original = "Call Ann at 555-1234 or Ann"
    redacted = "Call \ue000PERSON\ue001 at \ue000PHONE\ue001 or Ann"
    assert marker_spans(original, redacted) == [(5, 8, "PERSON"), (12, 20, "PHONE")]
    assert marker_spans("no change", "no change") == []


def test_score_counts_a_span_caught_only_when_every_character_is_gone():
    labels = [
        ("r1", 5, 8, "PERSON"),  # fully replaced
        ("r1", 12, 20, "PHONE"),  # one character survives
        ("r2", 0, 4, "EMAIL"),  # missed
    ]
    predicted = [
        ("r1", 5, 8, "PERSON"),
        ("r1", 12, 19, "PHONE"),
        ("r2", 10, 14, "PERSON"),  # replaces no labelled text: a false positive
    ]
    table = score(labels, predicted)
    assert table["PERSON"] == {
        "labels": 1,
        "caught": 1,
        "predicted": 2,
        "correct": 1,
        "recall": 1.0,
        "precision": 0.5,
    }
    assert table["PHONE"]["caught"] == 0 and table["PHONE"]["recall"] == 0.0
    assert table["PHONE"]["precision"] == 1.0
    assert table["EMAIL"]["recall"] == 0.0 and table["EMAIL"]["precision"] is None


@pytest.mark.e2e  # generates a dataset with the generator: a whole tool run
def test_measurement_on_a_small_generated_set(spark):
    from piimask.tools.redaction_report import measure

    result = measure(spark, 120, 3, "heldout", DETECTOR_NAMES, presidio=False)
    assert result["notes"] == 120 and result["templates"] == "heldout"
    table = result["table"]
    assert sum(e["labels"] for e in table.values()) > 100
    for kind in ("EMAIL", "PHONE", "SSN", "CARD", "MAC"):
        if kind in table:
            assert table[kind]["recall"] == 1.0, kind
