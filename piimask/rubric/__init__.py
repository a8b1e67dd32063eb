"""The rubric: rubric.yaml as frozen, typed objects, validated once before Spark starts.

Owns the typed model (``model``), parsing and validation (``load``) and the legal-facing
column table (``markdown``).
May import ``errors`` and ``treatments`` (whose registry says which treatments and parameters
exist); nothing above.
"""

from piimask.rubric.load import RubricError, RubricFileError, load_rubric, parse_rubric
from piimask.rubric.model import BUCKETS, Column, Privacy, Retention, Rubric, Validation

__all__ = [
    "BUCKETS",
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
