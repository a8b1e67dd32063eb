"""The JVM free-text engine's Column functions (``io.piimask.spark.text`` in the piimask-spark jar).

The engine tokenises each note once and runs its detectors (e-mail, URL, MAC, coordinates, IP,
card, SSN, serial, address, phone, person, the row's identifiers) with hash lookups in an
embedded lexicon; it runs inside the JVM as Java UDFs, so no Python runs per row. The jar must be
on the session's class path (``spark.jars``; on Glue ``--extra-jars``).

The config is a small JSON string built here from the rubric's redact params; the engine parses
each distinct string once and caches it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, IntegerType, StringType

__all__ = [
    "DEFAULT_PHONE_REGIONS",
    "ENGINE_DETECTORS",
    "UDFS",
    "EngineConfigError",
    "config_from_params",
    "engine_config",
    "pii_count",
    "redact",
    "redact_original",
    "register",
    "undecided",
]

ENGINE_DETECTORS = (
    "email",
    "url",
    "mac",
    "coordinates",
    "ip",
    "card",
    "ssn",
    "serial",
    "address",
    "phone",
    "person",
    "identifiers",
)
DEFAULT_PHONE_REGIONS = ("US", "CA", "GB", "DE", "AT", "CH", "FR", "BE", "ES", "MX", "JP", "IN")
_PACKAGE = "io.piimask.spark.text."
# SQL name -> (Java class, return type)
UDFS = {
    "piimask_redact": (_PACKAGE + "RedactUdf", StringType()),
    "piimask_redact_original": (_PACKAGE + "RedactOriginalUdf", StringType()),
    "piimask_pii_count": (_PACKAGE + "PiiCountUdf", IntegerType()),
    "piimask_undecided": (_PACKAGE + "UndecidedUdf", BooleanType()),
}


class EngineConfigError(ValueError):
    """A config the engine would refuse: an unknown detector or a bad phone region."""


def engine_config(
    detectors: Iterable[str] | None = None,
    serial_pattern: str | None = None,
    placeholders: Mapping[str, str] | None = None,
    phone_regions: Sequence[str] | None = None,
) -> str:
    """The engine's config JSON (keys sorted, so one config gives one string and one cache entry)."""
    config: dict = {}
    if detectors is not None:
        chosen = list(detectors)
        unknown = [d for d in chosen if d not in ENGINE_DETECTORS]
        if unknown:
            raise EngineConfigError(
                f"unknown detector(s) {unknown}: expected names from {', '.join(ENGINE_DETECTORS)}"
            )
        config["detectors"] = sorted(set(chosen), key=ENGINE_DETECTORS.index)
    if serial_pattern:
        config["serial_pattern"] = serial_pattern
    if placeholders:
        unknown = [d for d in placeholders if d not in ENGINE_DETECTORS]
        if unknown:
            raise EngineConfigError(f"placeholders for unknown detector(s) {unknown}")
        config["placeholders"] = dict(sorted(placeholders.items()))
    if phone_regions is not None:
        regions = [r.upper() for r in phone_regions]
        bad = [r for r in regions if len(r) != 2 or not r.isalpha()]
        if bad:
            raise EngineConfigError(f"phone regions must be ISO 3166 two-letter codes; found {bad}")
        config["phone_regions"] = regions
    return json.dumps(config, sort_keys=True, ensure_ascii=False)


def config_from_params(params: Mapping, phone_regions: Sequence[str] | None = None) -> str:
    """The config for a redact column's params (``detectors``, ``serial_pattern``,
    ``placeholders``), as the rubric validated them."""
    return engine_config(
        params.get("detectors"),
        params.get("serial_pattern"),
        params.get("placeholders"),
        phone_regions,
    )


def register(spark: SparkSession) -> None:
    """Registers the SQL functions in ``spark`` (idempotent). Raises when the jar is absent."""
    for name, (cls, return_type) in UDFS.items():
        spark.udf.registerJavaFunction(name, cls, return_type)


def _registered() -> None:
    # The active session is per thread in PySpark; a caller in another thread (verify run in a
    # worker thread, a scheduler) still has the process's one session.
    spark = SparkSession.getActiveSession() or SparkSession._instantiatedSession
    if spark is None:
        raise RuntimeError("no active SparkSession: create one with the piimask-spark jar first")
    if not getattr(spark, "_piimask_engine_registered", False):
        register(spark)
        spark._piimask_engine_registered = True


def _text(col: Column | str) -> Column:
    return (F.col(col) if isinstance(col, str) else col).cast("string")


def _identifier_array(identifiers: Sequence[Column | str]) -> Column:
    if identifiers:
        return F.array(*[_text(c) for c in identifiers])
    return F.lit(None).cast("array<string>")


def redact(text: Column | str, config: str, identifiers: Sequence[Column | str] = ()) -> Column:
    """``text`` with every span the engine finds replaced by its placeholder; ``identifiers`` are
    this row's own values (redacted wherever they appear, any case)."""
    _registered()
    idents = _identifier_array(identifiers)
    return F.call_udf("piimask_redact", _text(text), F.lit(config), idents)


def redact_original(
    original: Column | str, folded: Column | str, config: str, identifiers: Sequence[Column | str] = ()
) -> Column:
    """``original`` with the spans the engine finds in ``folded`` (its ``expr.text.fold_text``)
    replaced by their placeholders, every other visible character kept as written (invisible
    ones dropped); the folded text redacted where the two do not align. Folding the result gives
    exactly ``redact(folded)``, so verify (which folds first) checks the same text as before."""
    _registered()
    idents = _identifier_array(identifiers)
    return F.call_udf("piimask_redact_original", _text(original), _text(folded), F.lit(config), idents)


def pii_count(text: Column | str, config: str) -> Column:
    """How many spans the engine still finds in ``text`` (0 for null): verify's measure."""
    _registered()
    return F.call_udf("piimask_pii_count", _text(text), F.lit(config))


def undecided(text: Column | str, config: str) -> Column:
    """True when ``text`` holds a capitalised or cue-introduced word the rules could not classify."""
    _registered()
    return F.call_udf("piimask_undecided", _text(text), F.lit(config))
