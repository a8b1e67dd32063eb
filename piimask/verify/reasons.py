"""Reason codes: the dataset-level codes and what each means; ``meaning`` for any code.

Dataset-level checks (columns, audit, reconciliation, k-anonymity, the joins with the raw input
and the keyring) name their reasons with ``Reason``. Row checks declare their reasons beside
their conditions (``rows.ROW_REASONS``); ``meaning`` looks a code up in the enum first, then
among the row checks' reasons, so a reason a row check declares needs no entry here.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from piimask.verify.rows import ROW_REASONS

__all__ = ["REASON_CODES", "Reason", "meaning"]


class Reason(StrEnum):
    """A dataset-level reason code (a ``str``: its value, as in the report) and its ``meaning``."""

    meaning: str

    def __new__(cls, code: str, meaning: str) -> Reason:
        member = str.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    UNEXPECTED_COLUMN = "unexpected_column", "a column the rubric does not put in the output"
    MISSING_COLUMN = "missing_column", "a rubric output column is missing"
    COLUMN_ORDER = "column_order", "output columns are not in the input's order"
    AUDIT_MISSING = "audit_missing", "no audit record under _audit/"
    AUDIT_RUBRIC = "audit_rubric", "the audit record names another rubric"
    AUDIT_COUNTS = "audit_counts", "the audit record's counts do not reconcile"
    ROWS_UNRECONCILED = "rows_unreconciled", "rows in != out + quarantined + suppressed"
    K_ANONYMITY = (
        "k_anonymity",
        "a class of rows sharing the quasi-identifiers is smaller than the rubric's k",
    )
    L_DIVERSITY = "l_diversity", "a class holds fewer distinct sensitive values than the rubric's l"
    PRIVACY_AUDIT = (
        "privacy_audit",
        "the audit's privacy record does not match the output's classes or counts",
    )
    NULL_INTRODUCED = "null_introduced", "a null where the input had a value"
    BEHAVIORAL_CHANGED = "behavioral_changed", "behavioral columns differ from the input's"
    RAW_VALUE_LEAK = "raw_value_leak", "a raw direct or quasi value appears in the output"
    UNKEYED_HASH = "unkeyed_hash", "a direct digest equals an unsalted SHA-256/SHA-1/MD5 of its raw value"
    TOKEN_COLLISION = "token_collision", "two raw values share one token"
    TOKEN_SPLIT = "token_split", "one raw value has several tokens"
    TOKEN_MISMATCH = "token_mismatch", "tokens differ from the token key's tokens of the raw values"
    DIGEST_MISMATCH = "digest_mismatch", "digest not made with the key of its row's window"
    KEYRING_WINDOW_MISSING = "keyring_window_missing", "the keyring lacks a window the data needs"


def meaning(reason: str) -> str | None:
    """What ``reason`` means: a dataset-level code's meaning, else the row check's; None if unknown."""
    try:
        return Reason(reason).meaning
    except ValueError:
        return ROW_REASONS.get(reason)


# every known code -> its meaning (dataset-level codes, then the row checks')
REASON_CODES = MappingProxyType({**{r.value: r.meaning for r in Reason}, **ROW_REASONS})
