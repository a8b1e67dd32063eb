"""What a dataset check is: a function of a ``Scope`` that yields results and findings.

Every dataset check has the one shape ``check(scope) -> Iterable[Result | Finding]``: a
``Result`` it could decide from counts it has, or a ``Finding`` (a join whose violating cells the
backend counts later, with every other finding, in one job). The ``Scope`` holds the run's
context, its backend, and the facts of the passes that ran before the check's group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from piimask.verify.backend import Backend, Finding
from piimask.verify.context import Context
from piimask.verify.passes import Mismatches, OutputFacts, RawFacts
from piimask.verify.report import Result

__all__ = ["Check", "Scope"]


@dataclass(frozen=True, kw_only=True)
class Scope:
    ctx: Context
    backend: Backend
    output: OutputFacts
    raw: RawFacts | None = None  # with --raw
    mismatches: Mismatches | None = None  # with --keyring and a direct column


Check = Callable[[Scope], Iterable[Result | Finding]]
