"""The rubric's typed model: frozen objects, made once by ``rubric.load`` and read everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "BUCKETS",
    "Column",
    "DEFAULT_QUARANTINE_MAX_SHARE",
    "PRIVACY_ACTIONS",
    "Privacy",
    "Retention",
    "Rubric",
    "Validation",
]

BUCKETS = ("direct", "quasi", "sensitive", "behavioral")
PRIVACY_ACTIONS = ("suppress", "generalize", "report")
# the quarantine ceiling when the rubric sets none: a run that quarantines more than this share
# of its input rows publishes nothing (the input is more likely broken than the rows bad)
DEFAULT_QUARANTINE_MAX_SHARE = 0.05


@dataclass(frozen=True)
class Validation:
    type: str = "string"
    required: bool = False
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Column:
    name: str
    bucket: str
    treatment: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    optional: bool = False
    validation: Validation = Validation()
    description: str = ""
    reviewed_by: str | None = None
    reason: str | None = None

    @property
    def dropped(self) -> bool:
        return self.treatment == "drop"


@dataclass(frozen=True)
class Retention:
    """How long data lives: direct-key windows kept (incl. the current one), output age in days."""

    direct_key_windows: int | None = None
    output_days: int | None = None


@dataclass(frozen=True)
class Privacy:
    """k-anonymity over the output's quasi-identifying columns (l-diversity if ``sensitive``)."""

    k: int
    quasi_identifiers: tuple[str, ...]
    action: str = "suppress"
    sensitive: str | None = None
    l: int | None = None  # noqa: E741 (the letter of l-diversity)
    # columns deliberately left out of the combination, each with the reason (shown in rubric.md)
    left_out: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rubric:
    version: str
    dataset: str
    event_time_column: str
    rotation: str
    columns: tuple[Column, ...]
    sha256: str
    source: str = "<memory>"
    retention: Retention = Retention()
    privacy: Privacy | None = None
    # the largest share of input rows a run may quarantine and still publish (a run whose every
    # row is quarantined never publishes, whatever the share)
    quarantine_max_share: float = DEFAULT_QUARANTINE_MAX_SHARE

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def output_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.dropped)

    def in_bucket(self, bucket: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.bucket == bucket)

    def with_treatment(self, treatment: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.treatment == treatment)
