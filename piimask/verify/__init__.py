"""verify: re-derive the rubric's invariants and check a masked output against them.

Owns the row checks (``rows``), the reason codes (``reasons``), the dataset checks and their
backend (``runner`` states their order), the report and the `pii-mask verify` command (``cli``).
May import everything below it (``errors``, ``session``, ``expr``, ``treatments``, ``rubric``,
``keys``, ``storage``, ``frames``); never ``job``, ``lifecycle``, ``aws``, ``tools`` or
``piimask.cli``.
"""

from piimask.verify.context import CLASS_ROWS, VerifyError
from piimask.verify.reasons import REASON_CODES, Reason
from piimask.verify.report import Report, Result
from piimask.verify.rows import RowCheck, is_digest, looks_like_card, row_checks
from piimask.verify.runner import verify

__all__ = [
    "CLASS_ROWS",
    "REASON_CODES",
    "Reason",
    "Report",
    "Result",
    "RowCheck",
    "VerifyError",
    "is_digest",
    "looks_like_card",
    "row_checks",
    "verify",
]
