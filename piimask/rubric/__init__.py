"""The rubric: rubric.yaml as frozen, typed objects, validated once before Spark starts.

Owns parsing and validation (``load``) and the legal-facing column table (``markdown``).
May import ``errors`` and ``treatments`` (whose registry says which treatments and parameters
exist); nothing above.
"""

from piimask.rubric.load import (
    BUCKETS,
    DEFAULT_SERIAL_PATTERN,
    DEFAULT_TREATMENT,
    Column,
    Privacy,
    Retention,
    Rubric,
    RubricError,
    RubricFileError,
    Validation,
    load_rubric,
    parse_rubric,
)

__all__ = [
    "BUCKETS",
    "DEFAULT_SERIAL_PATTERN",
    "DEFAULT_TREATMENT",
    "Column",
    "Privacy",
    "Retention",
    "Rubric",
    "RubricError",
    "RubricFileError",
    "Validation",
    "load_rubric",
    "parse_rubric",
]
