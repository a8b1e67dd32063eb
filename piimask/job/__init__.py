"""The masking job: read and check the input, value pass, mask, k-anonymity, write, publish.

Owns the run (``run``: one staged transaction), its options (``options``), the value pass
(``values``: class table, vault entries, quarantined rows), the masking projection (``mask``),
k-anonymity enforcement (``privacy``), the behavioral-column review (``review``) and the
`pii-mask run` command (``cli``). May import everything below it (``errors``, ``expr``,
``treatments``, ``rubric``, ``keys``, ``storage``, ``frames``, ``verify``); never ``lifecycle``,
``aws`` or ``tools``.
"""

from piimask.job.options import RunOptions
from piimask.job.run import run

__all__ = ["RunOptions", "run"]
