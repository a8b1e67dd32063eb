"""Optional NER backend for the redact treatment: Presidio's analyzer (spaCy NER + its pattern
recognizers) in a vectorised pandas (Arrow) UDF.

Only a rubric column with ``params: {backend: ner}`` uses it; the default path never imports it.
Install the extra (``pip install -e '.[ner]'``) plus a spaCy pipeline (``python -m spacy download
en_core_web_sm``, or a path to one in ``PIIMASK_SPACY_MODEL``). The engine is built once per
Python worker process (a module-level cache), never per row or per batch.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pyspark.sql import Column

from piimask.errors import UsageError
from piimask.treatments.freetext.detectors import PLACEHOLDERS

__all__ = ["ENTITY_DETECTORS", "NerUnavailable", "analyzer", "ner_redact", "redact_texts"]

DEFAULT_MODEL = "en_core_web_sm"
# Presidio entity -> our detector (its placeholder); anything else becomes the identifiers one
ENTITY_DETECTORS = {
    "PERSON": "person",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "LOCATION": "address",
    "CREDIT_CARD": "card",
    "US_SSN": "ssn",
    "IP_ADDRESS": "ip",
    "URL": "url",
}
_ENGINES: dict[str, object] = {}  # model -> AnalyzerEngine, one per worker process


class NerUnavailable(UsageError):
    """The rubric asks for the NER backend but the extra or the spaCy model is missing."""


def analyzer(model: str | None = None):
    """The cached Presidio AnalyzerEngine for ``model`` (a spaCy package name or a path)."""
    model = model or os.environ.get("PIIMASK_SPACY_MODEL", DEFAULT_MODEL)
    if model not in _ENGINES:
        try:
            from presidio_analyzer import AnalyzerEngine
            from presidio_analyzer.nlp_engine import NlpEngineProvider
        except ImportError:
            raise NerUnavailable(
                "the rubric selects backend ner but presidio-analyzer is not installed; "
                "install the extra: pip install -e '.[ner]'."
            ) from None
        config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
        try:
            nlp = NlpEngineProvider(nlp_configuration=config).create_engine()
        except OSError:
            raise NerUnavailable(
                f"the spaCy pipeline {model!r} is not installed; run python -m spacy download "
                f"{DEFAULT_MODEL} or set PIIMASK_SPACY_MODEL to a pipeline's path."
            ) from None
        _ENGINES[model] = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    return _ENGINES[model]


def redact_texts(texts, placeholders: Mapping[str, str] | None = None, model: str | None = None) -> list:
    """Redact a batch of strings (None stays None) with the cached engine."""
    engine = analyzer(model)
    chosen = dict(PLACEHOLDERS, **(placeholders or {}))
    out = []
    for text in texts:
        if text is None or text != text:  # None or NaN
            out.append(None)
            continue
        spans = sorted((r.start, r.end, r.entity_type) for r in engine.analyze(text, language="en"))
        merged: list[list] = []
        for start, end, kind in spans:  # overlapping finds become one span (first type wins)
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end, kind])
        for start, end, kind in reversed(merged):
            text = text[:start] + chosen[ENTITY_DETECTORS.get(kind, "identifiers")] + text[end:]
        out.append(text)
    return out


def ner_redact(text: Column, placeholders: Mapping[str, str] | None = None) -> Column:
    """A pandas UDF over ``text``: Arrow batches in, the same batches redacted out."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    chosen = dict(placeholders or {})
    model = os.environ.get("PIIMASK_SPACY_MODEL", DEFAULT_MODEL)

    @pandas_udf("string")
    def _ner(batch: pd.Series) -> pd.Series:
        return pd.Series(redact_texts(batch.tolist(), chosen, model), index=batch.index)

    return _ner(text)
