"""Treatments: what the rubric's treatment names do to a column, as native Spark expressions."""

from piimask.treatments.core import (
    MASKED_EMAIL_DOMAIN,
    REDACTED,
    TOKEN_HEX_CHARS,
    RowContext,
    prepare_redaction,
    token,
    treat,
)

__all__ = [
    "MASKED_EMAIL_DOMAIN",
    "REDACTED",
    "TOKEN_HEX_CHARS",
    "RowContext",
    "prepare_redaction",
    "token",
    "treat",
]
