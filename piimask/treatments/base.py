"""The treatment record: one object owns everything the kit knows about a treatment.

A ``Treatment`` holds its name, the buckets it may serve, its parameters and their checks, the
Spark expression (Column in, Column out, no UDF), the invariant ``verify`` checks on the output,
the next coarser level k-anonymity may use, the words ``rubric.md`` prints and the DataBrew
steps (or a refusal). Each lives in its own module of this package; ``treatments/__init__.py``
collects them into ``TREATMENTS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyspark.sql import Column
from pyspark.sql.types import DataType

__all__ = [
    "ColumnSpec",
    "DataBrewKeys",
    "Invariant",
    "Param",
    "ParamError",
    "RowContext",
    "Treatment",
    "bad",
]


class ParamError(Exception):
    """A parameter breaks its treatment's rule; the rubric loader names the column and the rubric."""

    def __init__(self, param: str, expected: str, found: Any):
        super().__init__(f"params.{param} must be {expected}")
        self.param, self.expected, self.found = param, expected, found


class ColumnSpec(Protocol):
    """What a treatment reads of its rubric column (``rubric.Column`` is one)."""

    name: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Param:
    """A parameter: its name, accepted types (a bool is never a number) and default."""

    name: str
    types: type | tuple[type, ...]
    default: Any = None


@dataclass(frozen=True)
class Invariant:
    """What ``verify`` checks on every output value of a column with these parameters (the
    reason code and its meaning are the treatment's own: ``Treatment.reason``)."""

    check: str  # short name of the check, shown in the report
    violated: Callable[[Column, DataType], Column]  # true on a value that breaks it


@dataclass(frozen=True)
class RowContext:
    """What a treatment may use besides its own column."""

    direct_ipad: Column
    direct_opad: Column
    token_ipad: Column
    token_opad: Column
    raw: Callable[[str], Column]  # raw input column by name
    dtypes: Mapping[str, DataType]
    identifiers: tuple = ()  # the rubric's direct and quasi columns present in the input


@dataclass(frozen=True)
class DataBrewKeys:
    """The Secrets Manager secrets DataBrew's keyed steps read."""

    hash_secret: str
    token_secret: str


def _no_params(params: dict, column: str) -> dict:
    return params


def _none(*_args) -> None:
    return None


def _no_checks(col: Column, dtype: DataType) -> list[tuple[str, Column]]:
    return []


@dataclass(frozen=True)
class Treatment:
    """One treatment (see the module docstring). Only ``name``, ``buckets``, ``expression``,
    ``words`` and ``databrew`` are required; every other field has a neutral default."""

    name: str
    buckets: tuple[str, ...]
    expression: Callable[[Column, ColumnSpec, RowContext], Column] | None
    words: Callable[[Mapping[str, Any], str], str]  # rubric.md's words (params, rotation)
    databrew: Callable[[ColumnSpec, DataBrewKeys], list[dict]]  # steps, or raise Refused
    params: tuple[Param, ...] = ()
    normalize: Callable[[dict, str], dict] = _no_params  # check params (raise ParamError), fill defaults
    references: Callable[[Mapping[str, Any], str, set[str]], None] = _none  # other rubric columns named
    invariant: Callable[[Mapping[str, Any]], Invariant | None] = _none
    reason: str | None = None  # verify's reason code when the invariant is violated
    meaning: str | None = None  # what that reason code means (the report's group header)
    coarser: Callable[[Column, Mapping[str, Any], DataType], Column] | None = None  # k-anonymity level
    coarser_words: Callable[[str, Mapping[str, Any]], str] | None = None  # rubric.md, for that level
    level_name: str = "unchanged"  # the audit's name of the coarser level
    value_type: str | None = None  # validation type implied when the column says "string"
    required_type: str | None = None  # validate.type the column must declare
    input_checks: Callable[[Column, DataType], list[tuple[str, Column]]] = _no_checks  # quarantine
    keyed: bool = False  # reads the row's keys
    class_value: bool = False  # its output may form a k-anonymity class
    drops: bool = False  # the column leaves the output
    extra: Mapping[str, Any] = field(default_factory=dict)


def bad(col: Column, ok: Column) -> Column:
    """For an invariant: present and not provably fine (an unparsable value counts as a violation)."""
    from pyspark.sql import functions as F

    return col.isNotNull() & ~F.coalesce(ok, F.lit(False))
